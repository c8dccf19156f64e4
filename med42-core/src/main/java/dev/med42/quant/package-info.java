/**
 * The ggml tensor types and their kernels: dequantization, the conversion of activations llama.cpp performs before a
 * matrix product, and row dot products.
 *
 * <h2>Layout</h2>
 *
 * <ul>
 *   <li>{@link dev.med42.quant.GGMLType}: the facts of every type (id, block size, bytes per block, the vec_dot type
 *       its weights are multiplied against).
 *   <li>One class per block format, named as ggml names it ({@code Q4_K} for {@code block_q4_K}, {@code Floats} for
 *       F32/F16/BF16): the layout, {@code dequantize} and the scalar reference {@code dot}. Beside each, a {@code
 *       ...Vector} class with the same dot product in the Vector API. {@code KScales} unpacks the 6-bit scales the
 *       K-quants share.
 *   <li>{@link dev.med42.quant.Activations}: matrix inputs converted to the vec_dot type, once per input.
 *   <li>{@link dev.med42.quant.WeightMatrix}: a 2-D tensor as products read it; {@link dev.med42.quant.Kernels}:
 *       the kernels of a type, vector or scalar.
 * </ul>
 *
 * <h2>What matches ggml (llama.cpp c392e50, x86 AVX2 build) bit for bit</h2>
 *
 * <ul>
 *   <li>Dequantization of every type ({@code to_float}), and the fp16/bf16 conversions.
 *   <li>Activation conversion: Q8_0 and Q8_1 as the AVX2 {@code quantize_row_q8_0/_q8_1} (which round half to even
 *       and multiply by {@code 127/amax}, unlike the {@code _ref} versions), Q8_K as {@code quantize_row_q8_K_ref}
 *       (which x86 uses), F16 and BF16 rounded to nearest even.
 *   <li>Every dot product: the integer lanes of ggml's AVX2 {@code ggml_vec_dot_*} (lane {@code k} of eight holds
 *       positions {@code 4k..4k+3} of each chunk of 32, scaled per sub-block), then its float operations in its order:
 *       one fused multiply-add per block and lane, the same horizontal sums, the K-quant mins where ggml adds them. The
 *       scalar reference and the vector kernel compute the same bits; where gcc fuses a scalar multiply-add in ggml's
 *       source ({@code summs += m * s} of Q4_1 and Q5_1, {@code summs += dmin * sum} of Q5_K, the BF16
 *       products) the kernels fuse it too. A Llama-2 forward pass over these products reproduces llama.cpp's logits
 *       for the quantized test models, most of them bit for bit (see {@code dev.med42.model.LlamaGoldenTest}).
 * </ul>
 *
 * <p>Results never depend on the number of tokens or threads: each output is one call of the same row kernel.
 *
 * <h2>Where the summation order differs from llama.cpp</h2>
 *
 * <ul>
 *   <li>F16 and BF16 prompt batches: llama.cpp hands batches of two or more tokens to tinyBLAS (one accumulator of
 *       eight lanes), single tokens to {@code ggml_vec_dot_*} (four); here every token takes the latter.
 *   <li>F32: summed in double, more exactly than either of llama.cpp's two float orders (see {@code Floats}).
 *   <li>Q4_0: on AVX2 llama.cpp repacks Q4_0 matrices whose row count is a multiple of 8 into {@code q4_0_8x8}, which
 *       sums each block's 32 products as one integer before its multiply-add. Q8_0 and Q5_0 prompts go to tinyBLAS,
 *       whose lanes and order are those of {@code vec_dot} and so agree.
 *   <li>Differences of this kind are a few ulps of a dot product. NaN and infinite activations are not reproduced.
 * </ul>
 *
 * <h2>The Vector API</h2>
 *
 * <p>Vector kernels use 256-bit shapes, as ggml's AVX2 code does; they run only when {@code jdk.incubator.vector} is
 * in the boot layer and the hardware has 256-bit vectors, and otherwise the scalar references run (one warning is
 * logged). {@code -Dmed42.kernels=scalar} forces the scalar kernels. See {@code VectorLanes} for how the int8
 * products are formed and why the kernels call no helpers of their own.
 */
package dev.med42.quant;
