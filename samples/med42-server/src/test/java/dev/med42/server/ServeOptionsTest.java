package dev.med42.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.med42.cli.UsageException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServeOptionsTest {

    @Test
    void maps_llama_cpp_server_options_to_spring_boot_properties() throws Exception {
        var spring = ServeOptions.parse(new String[] {
                    "-m",
                    "/models/med42.gguf",
                    "--host",
                    "0.0.0.0",
                    "--port",
                    "9000",
                    "-np",
                    "4",
                    "-c",
                    "2048",
                    "--api-key",
                    "sk-1",
                    "-t",
                    "8",
                    "-a",
                    "med42-70b",
                    "--",
                    "--logging.level.root=warn"
                })
                .springArguments();

        assertThat(spring)
                .containsExactly(
                        "--med42.model.path=/models/med42.gguf",
                        "--server.address=0.0.0.0",
                        "--server.port=9000",
                        "--med42.server.slots=4",
                        "--med42.model.context-size=2048",
                        "--med42.model.threads=8",
                        "--med42.server.api-key=sk-1",
                        "--med42.server.model-name=med42-70b",
                        "--logging.level.root=warn");
    }

    @Test
    void listens_on_loopback_port_8080_unless_told_otherwise() throws Exception {
        assertThat(ServeOptions.parse(new String[] {"--model=m.gguf"}).springArguments())
                .containsExactly(
                        "--med42.model.path=" + Path.of("m.gguf").toAbsolutePath(),
                        "--server.address=127.0.0.1",
                        "--server.port=8080");
    }

    @Test
    void refuses_a_command_line_without_a_model_or_with_unknown_options() {
        assertThatThrownBy(
                        () -> ServeOptions.parse(new String[] {"--port", "1"}).springArguments())
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("-m");
        assertThatThrownBy(() -> ServeOptions.parse(new String[] {"-m", "x", "--gpu-layers", "9"}))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--gpu-layers");
        assertThatThrownBy(() -> ServeOptions.parse(new String[] {"-m", "x", "-np", "four"})
                        .springArguments())
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("integer");
        assertThatThrownBy(() ->
                        ServeOptions.parse(new String[] {"-m", "x", "stray"}).springArguments())
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("stray");
    }

    @Test
    void describes_every_option() throws Exception {
        assertThat(ServeOptions.parse(new String[] {"--help"}).help()).isTrue();
        assertThat(ServeOptions.usage()).contains("-m, --model FILE", "-np, --parallel N", "--api-key KEY");
    }
}
