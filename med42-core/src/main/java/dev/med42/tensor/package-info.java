/**
 * Parallel matrix products. {@link dev.med42.tensor.MatMul} multiplies a {@link dev.med42.quant.WeightMatrix} with
 * {@link dev.med42.quant.Activations} of one or more tokens on a fixed pool of threads: the rows are split into one
 * contiguous range per thread, the calling thread taking the first, and within its range each thread walks the
 * tokens in cache-sized groups so that a weight row is read from memory once per group. Outputs are independent of
 * the thread count and of the batch size, bit for bit.
 *
 * <p>Typical use by a forward pass (one {@code MatMul} per model, inputs allocated once):
 *
 * <pre>{@code
 * Activations x = Activations.forWeights(wq.type(), dim, maxTokens);
 * x.quantize(normalized, tokens);        // once for Q, K and V
 * matmul.multiply(wq, x, q);             // q[t * wq.rows() + r]
 * matmul.multiply(wk, x, k);
 * matmul.multiply(wv, x, v);
 * }</pre>
 */
package dev.med42.tensor;
