package dev.med42.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the token whose text is a given run of UTF-8 bytes, without copying the run: an open-addressing
 * hash table over the pieces. The tokenizer asks it once per candidate merge, so it is the hot path.
 */
final class PieceIndex {
    private static final int NONE = -1;

    private final byte[][] pieces;
    private final int[] slots; // token id + 1; 0 marks an empty slot
    private final int mask;
    private final int maxLength;

    /**
     * @throws IllegalArgumentException when two tokens have the same text (llama.cpp refuses such a
     *     vocabulary too, since text would no longer name one token)
     */
    PieceIndex(byte[][] pieces) {
        this.pieces = pieces;
        this.slots = new int[Math.max(2, Integer.highestOneBit(pieces.length * 2 - 1) << 1)];
        this.mask = slots.length - 1;
        int longest = 0;
        for (int id = 0; id < pieces.length; id++) {
            byte[] piece = pieces[id];
            int slot = hash(piece, 0, piece.length) & mask;
            while (slots[slot] != 0) {
                int other = slots[slot] - 1;
                if (Arrays.equals(pieces[other], piece)) {
                    throw new IllegalArgumentException("tokens " + other + " and " + id + " have the same text '"
                            + new String(piece, StandardCharsets.UTF_8) + "'");
                }
                slot = (slot + 1) & mask;
            }
            slots[slot] = id + 1;
            longest = Math.max(longest, piece.length);
        }
        this.maxLength = longest;
    }

    /** The token whose text is {@code text[from, from + length)}, or -1. */
    int find(byte[] text, int from, int length) {
        if (length > maxLength) {
            return NONE;
        }
        for (int slot = hash(text, from, length) & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == 0) {
                return NONE;
            }
            byte[] piece = pieces[entry - 1];
            if (Arrays.equals(piece, 0, piece.length, text, from, from + length)) {
                return entry - 1;
            }
        }
    }

    /** FNV-1a, with the high bits folded in because the table index uses only the low ones. */
    private static int hash(byte[] bytes, int from, int length) {
        int h = 0x811c9dc5;
        for (int i = from; i < from + length; i++) {
            h = (h ^ bytes[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
