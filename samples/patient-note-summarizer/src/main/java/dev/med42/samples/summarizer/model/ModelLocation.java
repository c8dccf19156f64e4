package dev.med42.samples.summarizer.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Decides which model file the starter loads, before it looks: {@code med42.model.path} when set anywhere (it wins),
 * else the {@code MED42_MODEL} environment variable, else the small demo model bundled with this sample, copied to
 * a temporary file because a model is memory-mapped and a jar entry cannot be.
 *
 * <p>Runs after the configuration files are read, so a path in {@code application.properties} counts as set.
 */
public class ModelLocation implements EnvironmentPostProcessor, Ordered {
    /** The environment variable that names the Med42 GGUF file. */
    public static final String MED42_MODEL = "MED42_MODEL";

    static final String PATH_PROPERTY = "med42.model.path";
    static final String DEMO_MODEL = "demo-model/llama2vocab-tiny-Q4_K_M.gguf";

    private final Log log;

    public ModelLocation(DeferredLogFactory logs) {
        this.log = logs.getLog(ModelLocation.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(PATH_PROPERTY)) {
            return;
        }
        String configured = environment.getProperty(MED42_MODEL);
        String path;
        if (configured != null && !configured.isBlank()) {
            path = configured;
        } else {
            path = extractDemoModel().toString();
            log.warn("No model configured (" + MED42_MODEL + " or " + PATH_PROPERTY + "): running on the bundled"
                    + " demo model, which has random weights and writes meaningless text. For Med42, start with "
                    + MED42_MODEL + "=/path/to/med42-70b.Q4_K_M.gguf");
        }
        environment
                .getPropertySources()
                .addLast(new MapPropertySource("med42ModelLocation", Map.of(PATH_PROPERTY, path)));
    }

    /**
     * The bundled demo model as a temporary file under its own name (the page shows it), deleted when the JVM
     * exits.
     */
    static Path extractDemoModel() {
        try (InputStream in = new ClassPathResource(DEMO_MODEL).getInputStream()) {
            Path directory = Files.createTempDirectory("summarizer-");
            directory.toFile().deleteOnExit(); // registered first, so deleted after the file in it
            Path file = directory.resolve(Path.of(DEMO_MODEL).getFileName());
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the bundled demo model " + DEMO_MODEL, e);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after ConfigDataEnvironmentPostProcessor has read application.properties
    }
}
