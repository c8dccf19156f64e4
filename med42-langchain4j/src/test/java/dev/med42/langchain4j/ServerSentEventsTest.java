package dev.med42.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.med42.langchain4j.ServerSentEvents.Event;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    private static List<Event> read(String stream) throws IOException {
        ServerSentEvents events =
                new ServerSentEvents(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
        List<Event> read = new ArrayList<>();
        for (Event event; (event = events.next()) != null; ) {
            read.add(event);
        }
        return read;
    }

    @Test
    void reads_data_lines_ending_in_lf_crlf_or_cr() throws IOException {
        assertThat(read("data: {\"a\":1}\n\ndata: {\"b\":2}\r\n\r\ndata: {\"c\":3}\r\rdata: [DONE]\n\n"))
                .extracting(Event::data)
                .containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}", "[DONE]");
    }

    @Test
    void skips_comments_and_keep_alives_and_fields_it_does_not_need() throws IOException {
        assertThat(read(": keep-alive\n\nid: 7\nretry: 1000\ndata: x\n\n:\n\n: ping\r\n\r\n"))
                .containsExactly(new Event("message", "x"));
    }

    @Test
    void joins_the_data_lines_of_one_event_with_line_feeds() throws IOException {
        assertThat(read("data: {\"text\":\ndata:\"two lines\"}\ndata\n\n"))
                .containsExactly(new Event("message", "{\"text\":\n\"two lines\"}\n"));
    }

    @Test
    void drops_one_space_after_the_colon_only() throws IOException {
        assertThat(read("data:x\n\ndata:  y\n\n")).extracting(Event::data).containsExactly("x", " y");
    }

    @Test
    void tells_the_event_type_and_reads_llama_cpp_error_lines_as_errors() throws IOException {
        assertThat(read("event: ping\ndata: {}\n\nerror: {\"code\":500}\n\ndata: z\n\n"))
                .containsExactly(
                        new Event("ping", "{}"), new Event("error", "{\"code\":500}"), new Event("message", "z"));
    }

    @Test
    void drops_an_unfinished_last_event_and_events_without_data() throws IOException {
        assertThat(read("event: nothing\n\n\n\ndata: whole\n\ndata: cut off"))
                .containsExactly(new Event("message", "whole"));
    }

    @Test
    void reads_utf8_split_anywhere() throws IOException {
        assertThat(read("data: 39,5 °C — 发烧 🤒\n\n")).containsExactly(new Event("message", "39,5 °C — 发烧 🤒"));
    }
}
