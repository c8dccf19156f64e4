package dev.med42.tensor;

import dev.med42.gguf.GGUFFile;
import dev.med42.quant.Activations;
import dev.med42.quant.Kernels;
import dev.med42.quant.WeightMatrix;
import dev.med42.testing.TestTensors;
import java.nio.file.Path;

/**
 * Run by {@link ScalarFallbackTest} in a JVM without {@code jdk.incubator.vector}: multiplies a few matrices of a
 * model file and prints whether the kernels are vectorized, then the bits of every output.
 */
public final class ScalarFallbackProbe {
    private ScalarFallbackProbe() {}

    public static void main(String[] args) throws Exception {
        System.out.println("vectorized=" + Kernels.vectorized());
        for (String line : products(Path.of(args[0]))) {
            System.out.println(line);
        }
    }

    /** One line per matrix: its name and the hex bits of its outputs for two tokens. */
    static java.util.List<String> products(Path model) throws Exception {
        var lines = new java.util.ArrayList<String>();
        try (GGUFFile file = GGUFFile.open(model);
                MatMul matmul = new MatMul(2)) {
            for (String name : new String[] {"blk.0.attn_q.weight", "blk.0.ffn_down.weight", "output.weight"}) {
                WeightMatrix w = WeightMatrix.of(file, file.tensor(name).orElseThrow());
                Activations x = Activations.forWeights(w.type(), w.columns(), 2);
                x.quantize(TestTensors.cosine(2 * w.columns(), 1), 2);
                float[] out = new float[2 * w.rows()];
                matmul.multiply(w, x, out);
                var line = new StringBuilder(name);
                for (float v : out) {
                    line.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v)));
                }
                lines.add(line.toString());
            }
        }
        return lines;
    }
}
