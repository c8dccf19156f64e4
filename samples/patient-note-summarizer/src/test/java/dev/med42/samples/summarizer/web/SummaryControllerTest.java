package dev.med42.samples.summarizer.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.med42.samples.summarizer.SummarizerProperties;
import dev.med42.samples.summarizer.model.ModelInfo;
import dev.med42.samples.summarizer.model.ModelStatus;
import dev.med42.samples.summarizer.model.ModelUnavailableException;
import dev.med42.samples.summarizer.note.NotePolicy;
import dev.med42.samples.summarizer.summary.NoteSummarizer;
import dev.med42.samples.summarizer.summary.Progress;
import dev.med42.samples.summarizer.summary.Summary;
import dev.med42.samples.summarizer.summary.SummaryFailedException;
import dev.med42.samples.summarizer.summary.SummaryListener;
import dev.med42.spring.autoconfigure.Med42Properties;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The HTTP contract with the model isolated: every status the API answers, its problem details, and the framing of
 * the event stream. No response quotes the note.
 */
@WebMvcTest(
        controllers = SummaryController.class,
        properties = {
            "med42.model.path=/models/med42-70b.Q4_K_M.gguf", // never loaded here: the model is mocked away
            "summarizer.max-note-size=1KB",
            "summarizer.concurrency=1",
            "summarizer.queue-capacity=0",
            "summarizer.retry-after=17s"
        })
@Import({NotePolicy.class, SummaryGate.class})
@ExtendWith(OutputCaptureExtension.class)
@EnableConfigurationProperties({Med42Properties.class, SummarizerProperties.class})
class SummaryControllerTest {
    static final String SECRET = "Patient Zebrafish-7731 has chest pain";
    static final String ANSWER = "Chief complaint: chest pain\nPlan: primary PCI";
    static final ModelInfo MODEL = new ModelInfo("LLaMA v2", "med42-70b.Q4_K_M.gguf", "llama", 32000, 4096, true);

    @Autowired
    MockMvc mvc;

    @Autowired
    SummaryGate gate;

    @MockitoBean
    NoteSummarizer summarizer;

    @MockitoBean
    ModelStatus modelStatus;

    private SummaryGate.Ticket held;

    @BeforeEach
    void model() {
        given(modelStatus.info()).willReturn(Optional.of(MODEL));
    }

    @AfterEach
    void release() {
        if (held != null) {
            held.close();
        }
    }

    @Test
    void summarizes_a_note_as_json_with_every_section_the_disclaimer_and_the_model() throws Exception {
        given(summarizer.summarize(anyString(), any())).willReturn(Summary.of(ANSWER, 3));

        mvc.perform(post("/api/summaries")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json(SECRET)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.sections.chiefComplaint").value("chest pain"))
                .andExpect(jsonPath("$.sections.plan").value("primary PCI"))
                .andExpect(jsonPath("$.sections.allergies").value(""))
                .andExpect(jsonPath("$.sections.followUp").value(""))
                .andExpect(jsonPath("$.sections.other").value(""))
                .andExpect(jsonPath("$.raw").value(ANSWER))
                .andExpect(jsonPath("$.disclaimer").value(dev.med42.chat.Disclaimer.DEFAULT_TEXT))
                .andExpect(jsonPath("$.model.name").value("LLaMA v2"))
                .andExpect(jsonPath("$.model.med42").value(true))
                .andExpect(jsonPath("$.model.demo").value(false))
                .andExpect(jsonPath("$.chunks").value(3));
    }

    @Test
    void summarizes_an_uploaded_text_file() throws Exception {
        given(summarizer.summarize(anyString(), any())).willReturn(Summary.of(ANSWER, 1));

        mvc.perform(multipart("/api/summaries").file(upload("note.txt", MediaType.TEXT_PLAIN_VALUE, bytes(SECRET))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.sections.plan").value("primary PCI"));
    }

    @Test
    void an_empty_note_is_400() throws Exception {
        for (String body : new String[] {"{}", json(""), json(" \n ")}) {
            problem(
                    mvc.perform(post("/api/summaries")
                                    .contentType(MediaType.APPLICATION_JSON)
                                    .content(body))
                            .andExpect(status().isBadRequest())
                            .andReturn(),
                    "Empty note");
        }
        verifyNoInteractions(summarizer);
    }

    @Test
    void an_unreadable_body_is_400_without_quoting_it() throws Exception {
        MvcResult result = mvc.perform(post("/api/summaries")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"note\": " + SECRET + "}"))
                .andExpect(status().isBadRequest())
                .andReturn();

        assertThat(result.getResponse().getContentAsString()).doesNotContain("Zebrafish");
    }

    @Test
    void a_note_over_the_size_limit_is_413_in_json_or_as_an_upload() throws Exception {
        String large = SECRET + " " + "x".repeat(1024);

        problem(
                mvc.perform(post("/api/summaries")
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(json(large)))
                        .andExpect(status().isContentTooLarge())
                        .andReturn(),
                "Note too large");
        problem(
                mvc.perform(multipart("/api/summaries").file(upload("note.txt", "text/plain", bytes(large))))
                        .andExpect(status().isContentTooLarge())
                        .andReturn(),
                "Note too large");
    }

    @Test
    void a_non_text_upload_is_415() throws Exception {
        byte[] pdf = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1);

        problem(
                mvc.perform(multipart("/api/summaries").file(upload("note.pdf", "application/pdf", pdf)))
                        .andExpect(status().isUnsupportedMediaType())
                        .andReturn(),
                "Not a text note");
        problem(
                mvc.perform(multipart("/api/summaries").file(upload("note.txt", "text/plain", pdf)))
                        .andExpect(status().isUnsupportedMediaType())
                        .andReturn(),
                "Not a text note");
        problem(
                mvc.perform(multipart("/api/summaries").file(upload("scan.txt", "image/png", bytes(SECRET))))
                        .andExpect(status().isUnsupportedMediaType())
                        .andReturn(),
                "Not a text note");
    }

    @Test
    void another_content_type_is_415() throws Exception {
        mvc.perform(post("/api/summaries")
                        .contentType(MediaType.APPLICATION_XML)
                        .content("<note/>"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void a_full_queue_is_429_with_retry_after() throws Exception {
        held = gate.admit(); // the one place (concurrency 1, queue 0) is taken

        for (String path : new String[] {"/api/summaries", "/api/summaries/stream"}) {
            MvcResult result = mvc.perform(post(path)
                            .contentType(MediaType.APPLICATION_JSON)
                            .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON)
                            .content(json(SECRET)))
                    .andExpect(status().isTooManyRequests())
                    .andExpect(header().string("Retry-After", "17"))
                    .andReturn();
            problem(result, "Model busy");
        }
        verifyNoInteractions(summarizer);
    }

    @Test
    void a_model_that_is_not_ready_is_503_with_retry_after() throws Exception {
        willThrow(new ModelUnavailableException("the model is still loading", null))
                .given(modelStatus)
                .requireReady();

        MvcResult result = mvc.perform(post("/api/summaries")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json(SECRET)))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "17"))
                .andExpect(jsonPath("$.detail").value("The model is not ready: the model is still loading"))
                .andReturn();
        problem(result, "Model unavailable");
    }

    @Test
    void a_model_failure_is_500_and_logged_without_its_message(CapturedOutput output) throws Exception {
        given(summarizer.summarize(anyString(), any()))
                .willThrow(new SummaryFailedException(new IllegalStateException("boom " + SECRET)));

        MvcResult result = mvc.perform(post("/api/summaries")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json(SECRET)))
                .andExpect(status().isInternalServerError())
                .andReturn();
        problem(result, "Summary failed");
        assertThat(output.getAll())
                .contains("A summary failed: " + SummaryFailedException.class.getName() + " <- "
                        + IllegalStateException.class.getName())
                .doesNotContain("Zebrafish");
    }

    @Test
    void streams_progress_tokens_and_the_summary_as_server_sent_events() throws Exception {
        given(summarizer.summarize(anyString(), any())).willAnswer(invocation -> {
            SummaryListener listener = invocation.getArgument(1);
            listener.onProgress(new Progress(Progress.Phase.SUMMARIZING, 1, 3, 1, 2, false));
            listener.onToken("Plan: part one\n");
            listener.onProgress(new Progress(Progress.Phase.SUMMARIZING, 2, 3, 2, 2, false));
            listener.onToken("Plan: part two\n");
            listener.onProgress(new Progress(Progress.Phase.MERGING, 3, 3, 1, 1, true));
            listener.onToken("Chief complaint: chest pain\n");
            listener.onToken("Plan: primary PCI");
            return Summary.of(ANSWER, 2);
        });

        String events = stream(json(SECRET));

        assertThat(events)
                .startsWith("event:progress\ndata:{\"phase\":\"summarizing\",\"step\":1,\"steps\":3,\"part\":1,"
                        + "\"parts\":2,\"last\":false}\n\n")
                .contains("event:token\ndata:{\"text\":\"Plan: part one\\n\"}\n\n")
                .contains("event:progress\ndata:{\"phase\":\"merging\",\"step\":3,\"steps\":3,\"part\":1,\"parts\":1,"
                        + "\"last\":true}\n\n")
                .containsSubsequence(
                        "event:progress",
                        "event:token",
                        "event:progress",
                        "event:token",
                        "event:progress",
                        "event:token",
                        "event:summary")
                .contains("event:summary\ndata:{\"sections\":{\"chiefComplaint\":\"chest pain\"")
                .contains("\"chunks\":2")
                .endsWith("}\n\n");
    }

    @Test
    void a_failure_while_streaming_is_an_error_event(CapturedOutput output) throws Exception {
        given(summarizer.summarize(anyString(), any()))
                .willThrow(new SummaryFailedException(new IllegalStateException("boom " + SECRET)));

        String events = stream(json(SECRET));

        assertThat(events)
                .startsWith("event:error\ndata:{")
                .contains("\"status\":500", "\"title\":\"Summary failed\"")
                .doesNotContain("Zebrafish", "boom");
        assertThat(output.getAll()).contains("A summary failed").doesNotContain("Zebrafish");
    }

    @Test
    void the_stream_checks_the_note_before_it_starts() throws Exception {
        mvc.perform(post("/api/summaries/stream")
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .content(json("")))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    private String stream(String body) throws Exception {
        MvcResult started = mvc.perform(post("/api/summaries/stream")
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.TEXT_EVENT_STREAM)
                        .content(body))
                .andExpect(request().asyncStarted())
                .andReturn();
        started.getAsyncResult(10_000);
        MvcResult done =
                mvc.perform(asyncDispatch(started)).andExpect(status().isOk()).andReturn();
        assertThat(done.getResponse().getContentType()).startsWith(MediaType.TEXT_EVENT_STREAM_VALUE);
        return done.getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    /** A problem detail with this title, quoting nothing of the note. */
    private static void problem(MvcResult result, String title) throws Exception {
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(body).contains("\"title\":\"" + title + "\"").doesNotContain("Zebrafish");
    }

    private static MockMultipartFile upload(String name, String type, byte[] content) {
        return new MockMultipartFile("file", name, type, content);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String json(String note) {
        return "{\"note\":\"" + note.replace("\n", "\\n") + "\"}";
    }
}
