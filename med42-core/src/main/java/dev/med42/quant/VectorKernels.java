package dev.med42.quant;

import jdk.incubator.vector.VectorShape;

/**
 * The Vector API kernels. Only touched after {@link VectorSupport} found {@code jdk.incubator.vector}, so that no
 * class referring to it is loaded without it.
 */
final class VectorKernels {
    private VectorKernels() {}

    /** Whether 256-bit vectors run in hardware here; without, the Vector API emulates them slower than scalar code. */
    static boolean hardwareSupported() {
        return VectorShape.preferredShape().vectorBitSize() >= 256;
    }

    static RowKernel rowKernel(GGMLType weightType) {
        return switch (weightType) {
            case F32 -> FloatsVector::dotF32;
            case F16 -> FloatsVector::dotF16;
            case BF16 -> FloatsVector::dotBF16;
            case Q4_0 -> Q4_0Vector::dot;
            case Q4_1 -> Q4_1Vector::dot;
            case Q5_0 -> Q5_0Vector::dot;
            case Q5_1 -> Q5_1Vector::dot;
            case Q8_0 -> Q8_0Vector::dot;
            case Q2_K -> Q2_KVector::dot;
            case Q3_K -> Q3_KVector::dot;
            case Q4_K -> Q4_KVector::dot;
            case Q5_K -> Q5_KVector::dot;
            case Q6_K -> Q6_KVector::dot;
            default -> throw new UnsupportedOperationException("no kernels for " + weightType);
        };
    }

    static TileKernels.TileKernel tileKernel(GGMLType weightType) {
        return switch (weightType) {
            case F16 -> F16Tile::multiply;
            case Q4_0 -> Legacy32Tile::multiplyQ4_0;
            case Q8_0 -> Legacy32Tile::multiplyQ8_0;
            case Q2_K -> Q2_KTile::multiply;
            case Q4_K -> Q4_KTile::multiply;
            case Q5_K -> Q5_KTile::multiply;
            case Q6_K -> Q6_KTile::multiply;
            default -> null;
        };
    }
}
