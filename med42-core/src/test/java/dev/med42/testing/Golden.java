package dev.med42.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One llama.cpp golden run ({@code golden/<model>/<prompt>.json} and its logits files): the prompt tokens,
 * the logits at every prompt position, the 32 greedy tokens and the logits at every generation step.
 */
public record Golden(
        String model,
        String prompt,
        int vocabulary,
        int[] promptTokens,
        int[] genTokens,
        float[][] promptLogits,
        float[][] genLogits) {

    public static Golden load(String model, String prompt) {
        Path dir = TestData.file("golden/" + model + "/" + prompt + ".json").getParent();
        try {
            Map<String, Object> json =
                    JsonValues.object(JsonValues.parse(Files.readString(dir.resolve(prompt + ".json"))));
            int vocabulary = Math.toIntExact((Long) json.get("n_vocab"));
            return new Golden(
                    model,
                    prompt,
                    vocabulary,
                    JsonValues.ints(json.get("prompt_tokens")),
                    JsonValues.ints(json.get("gen_tokens")),
                    rows(dir.resolve(prompt + ".logits.f32"), vocabulary),
                    rows(dir.resolve(prompt + ".gen_logits.f32"), vocabulary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[][] rows(Path file, int width) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[][] rows = new float[bytes.remaining() / 4 / width][width];
        for (float[] row : rows) {
            bytes.asFloatBuffer().get(row);
            bytes.position(bytes.position() + width * 4);
        }
        return rows;
    }

    /** The index of the largest value, the lowest index on ties (llama.cpp's greedy rule). */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The gap between the largest and second-largest value. */
    public static float topGap(float[] values) {
        float first = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }
}
