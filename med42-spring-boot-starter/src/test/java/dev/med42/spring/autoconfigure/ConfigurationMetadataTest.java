package dev.med42.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.chat.Disclaimer;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.configurationmetadata.ValueHint;
import org.springframework.boot.convert.DurationStyle;

/** The configuration metadata the build generates, which IDEs read to complete and document the keys. */
class ConfigurationMetadataTest {
    private static Map<String, ConfigurationMetadataProperty> metadata;

    @BeforeAll
    static void readGeneratedMetadata() throws Exception {
        Path classes = Path.of(Med42Properties.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        try (InputStream json = Files.newInputStream(classes.resolve("META-INF/spring-configuration-metadata.json"))) {
            metadata = ConfigurationMetadataRepositoryJsonBuilder.create(json)
                    .build()
                    .getAllProperties();
        }
    }

    @Test
    void should_document_every_key_with_its_default() throws Exception {
        Map<String, Object> keys = keysWithDefaults();
        assertThat(keys).hasSizeGreaterThanOrEqualTo(16);

        assertThat(metadata.keySet().stream().filter(key -> key.startsWith("med42.")))
                .containsExactlyInAnyOrderElementsOf(keys.keySet());
        keys.forEach((key, defaultValue) -> {
            ConfigurationMetadataProperty property = metadata.get(key);
            assertThat(property.getDescription()).as(key).isNotBlank();
            if (defaultValue instanceof Duration duration) {
                assertThat(DurationStyle.detectAndParse((String) property.getDefaultValue()))
                        .as(key)
                        .isEqualTo(duration);
            } else if (defaultValue != null && !(defaultValue instanceof Enum<?>)) {
                assertThat(property.getDefaultValue()).as(key).isEqualTo(defaultValue);
            }
        });
    }

    @Test
    void should_document_the_standard_disclaimer_as_the_default_text() {
        assertThat(metadata.get("med42.disclaimer.text").getDefaultValue()).isEqualTo(Disclaimer.DEFAULT_TEXT);
        assertThat(metadata.get("med42.disclaimer.position").getDefaultValue()).isEqualTo("after-answer");
    }

    @Test
    void should_offer_every_disclaimer_position_with_a_description() {
        var hints = metadata.get("med42.disclaimer.position").getHints().getValueHints();

        assertThat(hints)
                .extracting(ValueHint::getValue)
                .containsExactlyInAnyOrder("after-answer", "before-answer", "metadata-only", "off");
        assertThat(hints).allSatisfy(hint -> assertThat(hint.getDescription()).isNotBlank());
        assertThat(Disclaimer.Position.values()).hasSize(hints.size());
    }

    @Test
    void should_document_the_health_indicator_switch() {
        ConfigurationMetadataProperty property = metadata.get("management.health.med42.enabled");

        assertThat(property.getDescription()).isNotBlank();
        assertThat(property.getDefaultValue()).isEqualTo(true);
    }

    /**
     * Every key {@link Med42Properties} binds, from its groups' fields (and their nested groups', such as {@code
     * med42.model.download}), with the value a new instance has.
     */
    private static Map<String, Object> keysWithDefaults() throws Exception {
        Med42Properties defaults = new Med42Properties();
        Map<String, Object> keys = new TreeMap<>();
        for (Method getter : Med42Properties.class.getDeclaredMethods()) {
            if (!getter.getName().startsWith("get") || getter.getParameterCount() != 0) {
                continue;
            }
            addKeys(
                    Med42Properties.PREFIX + "." + dashed(getter.getName().substring(3)),
                    getter.invoke(defaults),
                    keys);
        }
        return keys;
    }

    private static void addKeys(String groupKey, Object group, Map<String, Object> keys) throws Exception {
        for (Field field : group.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            String key = groupKey + "." + dashed(field.getName());
            Object value = field.get(group);
            if (value != null && value.getClass().getName().startsWith(Med42Properties.class.getName() + "$")) {
                addKeys(key, value, keys); // a nested group
            } else {
                keys.put(key, value);
            }
        }
    }

    private static String dashed(String name) {
        return Arrays.stream(name.split("(?=[A-Z])"))
                .filter(part -> !part.isEmpty())
                .map(String::toLowerCase)
                .reduce((a, b) -> a + "-" + b)
                .orElseThrow();
    }
}
