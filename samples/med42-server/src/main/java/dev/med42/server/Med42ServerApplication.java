package dev.med42.server;

import dev.med42.cli.UsageException;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * {@code ./med42 serve}: Med42 behind an OpenAI-compatible API, everything from the starter with {@code
 * med42.server.enabled=true}. Exit status as the med42 tool's: 2 for a usage error, 1 when it cannot start (the
 * model file is wrong, the port is taken), and the JVM's after Ctrl-C.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class Med42ServerApplication {

    public static void main(String[] args) {
        List<String> spring;
        try {
            ServeOptions options = ServeOptions.parse(args);
            if (options.help()) {
                System.out.print(ServeOptions.usage());
                return;
            }
            spring = options.springArguments();
        } catch (UsageException e) {
            System.err.println("med42 serve: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            SpringApplication.run(Med42ServerApplication.class, spring.toArray(String[]::new));
        } catch (RuntimeException e) {
            // Spring Boot has reported why (the failure analyzer's report for a bad model file).
            System.exit(1);
        }
    }
}
