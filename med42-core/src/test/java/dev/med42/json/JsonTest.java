package dev.med42.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
    @Test
    void reads_every_kind_of_value() throws JsonException {
        Object value = Json.parse(" {\"s\": \"text\", \"i\": -42, \"d\": 1.5e3, \"t\": true, \"f\": false, \"n\": null,"
                + " \"a\": [1, [], {}], \"o\": {\"k\": \"v\"}}\n");

        assertThat(value).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) value;
        assertThat(new ArrayList<Object>(map.keySet())).containsExactly("s", "i", "d", "t", "f", "n", "a", "o");
        assertThat(map.get("s")).isEqualTo("text");
        assertThat(map.get("i")).isEqualTo(-42L);
        assertThat(map.get("d")).isEqualTo(1500.0);
        assertThat(map.get("t")).isEqualTo(true);
        assertThat(map.get("f")).isEqualTo(false);
        assertThat(map.containsKey("n")).isTrue();
        assertThat(map.get("n")).isNull();
        assertThat(map.get("a")).isEqualTo(List.of(1L, List.of(), Map.of()));
        assertThat(map.get("o")).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void reads_scalars_at_the_top_level() throws JsonException {
        assertThat(Json.parse("\"x\"")).isEqualTo("x");
        assertThat(Json.parse("0")).isEqualTo(0L);
        assertThat(Json.parse("-0")).isEqualTo(0L);
        assertThat(Json.parse(" true ")).isEqualTo(true);
        assertThat(Json.parse("null")).isNull();
    }

    @Test
    void integers_that_fit_are_longs_and_other_numbers_doubles() throws JsonException {
        assertThat(Json.parse("44495364320")).isEqualTo(44_495_364_320L); // a 70B Q4_K_M file's size
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.parse("9223372036854775808")).isEqualTo(9.223372036854775808e18);
        assertThat(Json.parse("0.25")).isEqualTo(0.25);
        assertThat(Json.parse("-1E-2")).isEqualTo(-0.01);
        assertThat(Json.parse("2e+2")).isEqualTo(200.0);
        assertThat(Json.parse("1.0")).isEqualTo(1.0);
    }

    @Test
    void decodes_every_escape() throws JsonException {
        assertThat(Json.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20AC\""))
                .isEqualTo("\" \\ / \b \f \n \r \t é €");
    }

    @Test
    void a_surrogate_pair_of_escapes_becomes_one_code_point() throws JsonException {
        String s = (String) Json.parse("\"\\ud83e\\ude7a\"");
        assertThat(s).isEqualTo("🩺");
        assertThat(s.codePointCount(0, s.length())).isEqualTo(1);
    }

    @Test
    void keeps_non_ascii_text_as_it_is() throws JsonException {
        assertThat(Json.parse("[\"Med42 🩺 – ü\"]")).isEqualTo(List.of("Med42 🩺 – ü"));
    }

    @Test
    void null_is_allowed_in_arrays() throws JsonException {
        assertThat(Json.parse("[null, 1]")).isEqualTo(Arrays.asList(null, 1L));
    }

    @Test
    void what_it_returns_cannot_be_modified() throws JsonException {
        Map<?, ?> map = (Map<?, ?>) Json.parse("{\"a\": [1]}");
        assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) map.get("a")).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "{",
                "[1,]",
                "{\"a\":1,}",
                "[1 2]",
                "{\"a\" 1}",
                "{a:1}",
                "{'a':1}",
                "['a']",
                "01",
                "-",
                "+1",
                "1.",
                ".5",
                "1e",
                "1e+",
                "NaN",
                "Infinity",
                "tru",
                "nul",
                "True",
                "\"unterminated",
                "\"tab\there\"",
                "\"line\nbreak\"",
                "\"\\x\"",
                "\"\\u12\"",
                "\"\\u12g4\"",
                "\"\\u+123\"",
                "[1] [2]",
                "{} x",
                "// comment\n1",
                "[1,\n/* c */ 2]",
                "\u00a01", // no-break space is not JSON whitespace
                "{\"a\":1,\"a\":2}",
            })
    void rejects_what_is_not_strict_json(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(JsonException.class);
    }

    @Test
    void says_what_is_wrong_and_where() {
        assertThatThrownBy(() -> Json.parse("{\"a\": [1, 2,]}"))
                .isInstanceOf(JsonException.class)
                .hasMessage("invalid JSON at character 12: unexpected ']'")
                .satisfies(e -> assertThat(((JsonException) e).offset()).isEqualTo(12));
        assertThatThrownBy(() -> Json.parse("{\"size\": 1, \"size\": 2}"))
                .hasMessage("invalid JSON at character 12: repeated key \"size\"");
        assertThatThrownBy(() -> Json.parse("[1"))
                .hasMessage("invalid JSON at character 2: expected ']' but the text ends");
    }

    @Test
    void limits_nesting_instead_of_overflowing_the_stack() throws JsonException {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(ok)).isInstanceOf(List.class);

        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> Json.parse(deep))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("nested deeper than 512 levels");
        String deepObjects = "{\"a\":".repeat(Json.MAX_DEPTH + 1) + "1" + "}".repeat(Json.MAX_DEPTH + 1);
        assertThatThrownBy(() -> Json.parse(deepObjects)).hasMessageContaining("nested deeper");
    }

    @Test
    void reads_a_hub_tree_listing() throws JsonException {
        String listing = """
                [{"type":"file","oid":"a1b2","size":1519,"path":".gitattributes"},
                 {"type":"file","oid":"c3d4","size":44495364320,"lfs":{"oid":"ee5ae8e6f8c5e3b1d9cbd2e0d6b3a57bb0b8a4bde2fb3f87e0b0fa0d3c0b8f1e","size":44495364320,"pointerSize":135},"path":"med42-70b.Q4_K_M.gguf"}]
                """;
        List<?> entries = (List<?>) Json.parse(listing);
        Map<?, ?> model = (Map<?, ?>) entries.get(1);
        assertThat(model.get("path")).isEqualTo("med42-70b.Q4_K_M.gguf");
        assertThat(((Map<?, ?>) model.get("lfs")).get("size")).isEqualTo(44_495_364_320L);
    }

    @Test
    void reads_a_large_array_quickly() throws JsonException {
        var items = new ArrayList<String>();
        for (int i = 0; i < 100_000; i++) {
            items.add("{\"i\":" + i + ",\"s\":\"x\"}");
        }
        List<?> list = (List<?>) Json.parse("[" + String.join(",", items) + "]");
        assertThat(list).hasSize(100_000);
        assertThat(((Map<?, ?>) list.get(99_999)).get("i")).isEqualTo(99_999L);
    }
}
