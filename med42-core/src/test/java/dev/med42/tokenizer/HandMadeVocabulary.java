package dev.med42.tokenizer;

import dev.med42.gguf.GGUFFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small SentencePiece vocabularies and writes them as GGUF files holding only metadata, so that the
 * tests read them the way real files are read. It starts like Llama 2: {@code <unk>}, {@code <s>}, {@code
 * </s>}. Metadata values: String, Boolean, Integer (int32), Long (uint32), Float, String[], float[], int[].
 */
public final class HandMadeVocabulary {
    private final List<String> texts = new ArrayList<>();
    private final List<Float> scores = new ArrayList<>();
    private final List<Integer> types = new ArrayList<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    public HandMadeVocabulary() {
        metadata.put(Vocabulary.MODEL, "llama");
        add("<unk>", 0, TokenType.UNKNOWN).add("<s>", 0, TokenType.CONTROL).add("</s>", 0, TokenType.CONTROL);
    }

    public HandMadeVocabulary add(String text, float score, TokenType type) {
        texts.add(text);
        scores.add(score);
        types.add(type.code());
        return this;
    }

    HandMadeVocabulary normal(String text, float score) {
        return add(text, score, TokenType.NORMAL);
    }

    /** {@code <0x00>} to {@code <0xFF>}, as in Llama 2. */
    HandMadeVocabulary byteTokens() {
        for (int b = 0; b < 256; b++) {
            add(String.format("<0x%02X>", b), 0, TokenType.BYTE);
        }
        return this;
    }

    /** Sets a metadata value, replacing the token arrays too when given their keys; null removes the key. */
    public HandMadeVocabulary set(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    int idOf(String text) {
        return texts.indexOf(text);
    }

    public Path write(Path file) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put(Vocabulary.TOKENS, texts.toArray(String[]::new));
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        all.put(Vocabulary.SCORES, s);
        all.put(
                Vocabulary.TOKEN_TYPE,
                types.stream().mapToInt(Integer::intValue).toArray());
        all.putAll(metadata);
        all.values().removeIf(v -> v == null);
        var out = new ByteArrayOutputStream();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        writeInt(out, 3);
        writeLong(out, 0); // tensors
        writeLong(out, all.size());
        all.forEach((key, value) -> {
            writeString(out, key);
            writeValue(out, value);
        });
        try {
            return Files.write(file, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Vocabulary load(Path directory) throws IOException {
        try (GGUFFile file = GGUFFile.open(write(Files.createTempFile(directory, "vocab", ".gguf")))) {
            return Vocabulary.from(file.metadata());
        }
    }

    SentencePieceTokenizer tokenizer(Path directory) throws IOException {
        return new SentencePieceTokenizer(load(directory));
    }

    private static void writeValue(ByteArrayOutputStream out, Object value) {
        switch (value) {
            case String s -> {
                writeInt(out, 8);
                writeString(out, s);
            }
            case Boolean b -> {
                writeInt(out, 7);
                out.write(b ? 1 : 0);
            }
            case Integer i -> {
                writeInt(out, 5);
                writeInt(out, i);
            }
            case Long l -> {
                writeInt(out, 4);
                writeInt(out, (int) (long) l);
            }
            case Float f -> {
                writeInt(out, 6);
                writeInt(out, Float.floatToRawIntBits(f));
            }
            case String[] a -> {
                writeArrayHeader(out, 8, a.length);
                for (String s : a) {
                    writeString(out, s);
                }
            }
            case float[] a -> {
                writeArrayHeader(out, 6, a.length);
                for (float f : a) {
                    writeInt(out, Float.floatToRawIntBits(f));
                }
            }
            case int[] a -> {
                writeArrayHeader(out, 5, a.length);
                for (int i : a) {
                    writeInt(out, i);
                }
            }
            default -> throw new IllegalArgumentException("no GGUF type for " + value.getClass());
        }
    }

    private static void writeArrayHeader(ByteArrayOutputStream out, int elementType, int length) {
        writeInt(out, 9);
        writeInt(out, elementType);
        writeLong(out, length);
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeLong(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.writeBytes(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(value)
                .array());
    }

    private static void writeLong(ByteArrayOutputStream out, long value) {
        out.writeBytes(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(value)
                .array());
    }
}
