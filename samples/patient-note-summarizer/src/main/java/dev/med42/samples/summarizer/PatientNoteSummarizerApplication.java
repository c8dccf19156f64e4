package dev.med42.samples.summarizer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Summarizes clinical notes with Med42: a web page and a JSON API over the Med42 Spring Boot starter. With no model
 * configured it starts on a small bundled demo model and says so (see {@code model.ModelLocation}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PatientNoteSummarizerApplication {
    public static void main(String[] args) {
        SpringApplication.run(PatientNoteSummarizerApplication.class, args);
    }
}
