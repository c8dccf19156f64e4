// The summarizer page: plain JavaScript, no build. Everything shown goes in through textContent, never innerHTML,
// so that nothing in a note or a summary can become markup.
"use strict";

const $ = (id) => document.getElementById(id);

const page = {
    about: null, // GET /api/about: model, disclaimer, maxNoteBytes, sections
    controller: null, // aborts the running summary
    liveText: "", // the text of the step being written
    liveIsSummary: false, // whether that step writes the final summary (else it summarizes one part)
    renderQueued: false,
};

// The same heading rule as SummaryParser.java: a line that starts with a known heading opens its section.
const HEADING = /^[\s#>*_\-•]*(?:\d{1,2}[.)]\s*)?[*_]*([A-Za-z][A-Za-z \-]{1,40}?)[*_]*\s*(?::\s*[*_]*|$)(.*)$/;

function parseSections(answer) {
    const byName = new Map();
    for (const section of page.about.sections) {
        for (const name of section.names) byName.set(name, section.key);
    }
    const text = new Map();
    let current = "other";
    for (const line of answer.split(/\r\n|\n|\r/)) {
        let content = line;
        const match = HEADING.exec(line);
        const key = match && byName.get(match[1].trim().toLowerCase());
        if (key) {
            current = key;
            content = match[2].trim();
        }
        text.set(current, (text.get(current) || "") + content + "\n");
    }
    const sections = {};
    for (const [key, value] of text) {
        if (value.trim()) sections[key] = value.trim();
    }
    return sections;
}

function renderSections(sections, finished) {
    const container = $("sections");
    container.replaceChildren();
    for (const section of page.about.sections) {
        const value = sections[section.key] || "";
        if (section.key === "other" && !value) continue; // shown only when the answer has text under no heading
        const block = document.createElement("section");
        block.className = "section";
        block.dataset.key = section.key;
        const heading = document.createElement("h3");
        heading.textContent = section.heading;
        const body = document.createElement("p");
        if (value) {
            body.textContent = value;
        } else {
            body.className = "empty";
            body.textContent = finished ? "Not in the summary." : "…";
        }
        block.append(heading, body);
        container.append(block);
    }
}

function renderLive() {
    page.renderQueued = false;
    if (page.liveIsSummary) {
        renderSections(parseSections(page.liveText), false);
    } else {
        $("working-text").textContent = page.liveText;
    }
}

function scheduleRender() {
    if (!page.renderQueued) {
        page.renderQueued = true;
        requestAnimationFrame(renderLive);
    }
}

function showError(message) {
    const error = $("error");
    error.textContent = message;
    error.hidden = !message;
}

function setProgress(text, value) {
    $("progress").hidden = false;
    $("progress-text").textContent = text;
    const bar = $("progress-bar");
    if (value === null) {
        bar.removeAttribute("value"); // indeterminate
    } else {
        bar.value = value;
    }
}

function onProgress(progress) {
    if (progress.phase === "queued") {
        setProgress("Waiting for the model: other summaries are ahead of this one…", null);
        return;
    }
    const text =
        progress.phase === "summarizing"
            ? progress.parts === 1
                ? "Summarizing the note…"
                : `Summarizing part ${progress.part} of ${progress.parts}…`
            : `Merging the part summaries (merge ${progress.part} of ${progress.parts})…`;
    setProgress(`${text} Step ${progress.step} of ${progress.steps}.`, (progress.step - 1) / progress.steps);
    page.liveText = "";
    page.liveIsSummary = progress.last;
    $("summary-placeholder").hidden = true;
    $("working").hidden = progress.last;
    if (!progress.last) {
        $("working-heading").textContent =
            progress.phase === "summarizing"
                ? `Summary of part ${progress.part} of ${progress.parts}`
                : `Merge ${progress.part} of ${progress.parts}`;
        $("working-text").textContent = "";
    } else {
        renderSections({}, false);
    }
}

function onSummary(summary) {
    $("working").hidden = true;
    renderSections(summary.sections, true);
    $("raw").textContent = summary.raw;
    $("raw-box").hidden = false;
    if (summary.disclaimer) $("disclaimer").textContent = summary.disclaimer;
    const parts = summary.chunks === 1 ? "in one part" : `in ${summary.chunks} parts, then merged`;
    setProgress(`Done: the note was summarized ${parts}.`, 1);
}

// Reads server-sent events from a fetch response (EventSource cannot POST).
async function* serverSentEvents(response) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
            let event = "message";
            const data = [];
            for (const line of block.split(/\r?\n/)) {
                if (line.startsWith("event:")) event = line.slice(6).trim();
                else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
            }
            if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
        }
    }
}

async function problemMessage(response) {
    let message = `The request failed (HTTP ${response.status}).`;
    try {
        const problem = await response.json();
        if (problem.detail) message = problem.detail;
    } catch (ignored) {
        // not a problem detail: keep the status line
    }
    const retryAfter = response.headers.get("Retry-After");
    return retryAfter ? `${message} Try again in ${retryAfter} seconds.` : message;
}

function setRunning(running) {
    $("summarize").disabled = running;
    $("stop").hidden = !running;
    $("summary").setAttribute("aria-busy", String(running));
}

async function summarize(event) {
    event.preventDefault();
    showError("");
    const note = $("note").value;
    if (!note.trim()) {
        showError("The note is empty: paste a note, upload a .txt file, or choose an example.");
        return;
    }
    page.controller = new AbortController();
    setRunning(true);
    $("raw-box").hidden = true;
    $("sections").replaceChildren();
    setProgress("Sending the note…", null);
    try {
        const response = await fetch("api/summaries/stream", {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
            body: JSON.stringify({ note }),
            signal: page.controller.signal,
        });
        if (!response.ok) {
            $("progress").hidden = true;
            showError(await problemMessage(response));
            return;
        }
        for await (const { event: name, data } of serverSentEvents(response)) {
            if (name === "progress") onProgress(data);
            else if (name === "token") {
                page.liveText += data.text;
                scheduleRender();
            } else if (name === "summary") onSummary(data);
            else if (name === "error") {
                $("progress").hidden = true;
                showError(data.detail || "The summary could not be made.");
            }
        }
    } catch (error) {
        if (error.name === "AbortError") {
            setProgress("Stopped.", 0);
        } else {
            showError("The connection to the server was lost before the summary was finished.");
        }
    } finally {
        setRunning(false);
        page.controller = null;
    }
}

function showNoteSize() {
    const bytes = new TextEncoder().encode($("note").value).length;
    const limit = page.about ? ` of ${Math.round(page.about.maxNoteBytes / 1024)} KB` : "";
    $("note-size").textContent = `${(bytes / 1024).toFixed(1)} KB${limit}`;
}

async function loadExample(name) {
    showError("");
    const response = await fetch(`examples/${encodeURIComponent(name)}.txt`);
    if (!response.ok) {
        showError("The example could not be loaded.");
        return;
    }
    $("note").value = await response.text();
    showNoteSize();
    $("note").focus();
    $("note").setSelectionRange(0, 0);
    $("note").scrollTop = 0;
}

async function readUpload() {
    showError("");
    const file = $("upload").files[0];
    $("upload").value = ""; // the same file can be chosen again
    if (!file) return;
    if (!file.name.toLowerCase().endsWith(".txt") || (file.type && file.type !== "text/plain")) {
        showError("Only plain-text notes can be uploaded: choose a .txt file.");
        return;
    }
    if (page.about && file.size > page.about.maxNoteBytes) {
        showError(`The file is ${file.size} bytes; the limit is ${page.about.maxNoteBytes} bytes.`);
        return;
    }
    const text = await file.text();
    if (text.includes("\u0000") || text.includes("\uFFFD")) {
        showError("The file is not a plain-text note: upload a UTF-8 .txt file.");
        return;
    }
    $("note").value = text.replace(/^\uFEFF/, "");
    showNoteSize();
}

function showAbout(about) {
    page.about = about;
    $("disclaimer").textContent = about.disclaimer;
    $("summarize").disabled = false;
    const model = about.model;
    if (!model) {
        $("model-line").textContent = "The model is not loaded yet; it loads with the first summary.";
    } else {
        $("model-line").textContent =
            `Model: ${model.name} (${model.file}), context ${model.contextSize} tokens` +
            (model.med42 ? "" : " · demo model, not Med42");
        $("demo-model-name").textContent = model.name;
        $("demo-banner").hidden = model.med42;
    }
    showNoteSize();
}

async function start() {
    $("note-form").addEventListener("submit", summarize);
    $("stop").addEventListener("click", () => page.controller && page.controller.abort());
    $("note").addEventListener("input", showNoteSize);
    $("upload").addEventListener("change", readUpload);
    for (const button of document.querySelectorAll("button.example")) {
        button.addEventListener("click", () => loadExample(button.dataset.example));
    }
    try {
        const response = await fetch("api/about");
        showAbout(await response.json());
    } catch (error) {
        $("model-line").textContent = "The server could not be reached.";
    }
}

start();
