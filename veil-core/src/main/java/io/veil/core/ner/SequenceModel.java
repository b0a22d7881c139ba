package io.veil.core.ner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A trained linear-chain tagger: hashed feature weights per tag (8 bits each, and a power-of-two shift
 * per feature row: block floating point), tag-transition
 * weights, and exact first-order Viterbi decoding under the BIO constraint (an inside tag only after
 * the begin or inside tag of its own type). Tags: 0 = O, then B/I pairs for each of
 * {@link ModelFeatures#TYPES}.
 *
 * <p>File format (gzip): magic {@code VEILNER2}, feature-template version, hash bits, tag count,
 * weight scale, transitions ({@code (tags+1) * tags} floats, the last row is the start), then
 * {@code 2^bits * tags} signed bytes in {@code [-127, 127]}, then {@code 2^bits} row shifts in
 * {@code [0, MAX_SHIFT]}; weight {@code (r, y)} is {@code byte << shift[r]} times the scale. Gzip is written
 * with a zero time stamp, so the same weights give the same bytes. ({@code VEILNER1}, 16-bit weights, is
 * refused: retrain.)
 *
 * <p>Why 8 bits: the weights are read at random, {@link ModelFeatures#PER_TOKEN} rows per token, so their
 * table's size is what the decode costs once other work has evicted it from the caches (docs/notes/speed16.md,
 * speed17.md). Eight bits halve it (2 MB at 18 bits). The row shift gives the many rows of small weights
 * four times finer steps than the few rows that hold the largest ones; plain 8-bit rounding (one scale)
 * zeroed them and cost recall.
 *
 * <p>Immutable after construction and thread-safe; {@link #decode} allocates only its own arrays.
 */
final class SequenceModel {
  static final String MAGIC = "VEILNER2";
  /** The largest stored weight magnitude. */
  static final int LEVELS = 127;
  /** The magic of the 16-bit format before branch speed17. */
  private static final String OLD_MAGIC = "VEILNER1";
  static final int TAGS = 1 + 2 * ModelFeatures.TYPES.length;

  final int bits;
  final float scale;
  final byte[] weights;
  /** Per feature row, the power of two (0 to {@value #MAX_SHIFT}) its weights are scaled by. */
  final byte[] shifts;
  final float[] transitions;
  /**
   * {@link #weights} for analysis: one 8-byte row per feature (one long, tag y in byte lane y, the row's
   * shift in the eighth lane), every weight stored as {@code w + 128} (unsigned). A row never straddles a
   * cache line, and {@link #decode(ModelFeatures.Facts, int, int, int[], float[])} adds four tags per
   * instruction: even and odd byte lanes, shifted by the row's shift, are summed in the 16-bit quarters of a
   * long, where the sum of {@link ModelFeatures#PER_TOKEN} values below {@code 2^8 << MAX_SHIFT} cannot carry
   * into the next quarter.
   */
  private final long[] packed;

  SequenceModel(int bits, float scale, byte[] weights, byte[] shifts, float[] transitions) {
    if (weights.length != (1 << bits) * TAGS || shifts.length != 1 << bits || transitions.length != (TAGS + 1) * TAGS) {
      throw new IllegalArgumentException("model arrays do not match its size");
    }
    for (byte sh : shifts) {
      if (sh < 0 || sh > MAX_SHIFT) {
        throw new IllegalArgumentException("row shift out of range");
      }
    }
    this.bits = bits;
    this.scale = scale;
    this.weights = weights;
    this.shifts = shifts;
    this.transitions = transitions;
    this.packed = pack(weights, shifts, 1 << bits);
  }

  private static long[] pack(byte[] weights, byte[] shifts, int rows) {
    long[] out = new long[rows];
    for (int r = 0; r < rows; r++) {
      long row = (long) shifts[r] << 56;
      for (int y = 0; y < TAGS; y++) {
        row |= (long) (weights[r * TAGS + y] + BIAS) << (8 * y);
      }
      out[r] = row;
    }
    return out;
  }

  /** Weight {@code i} (row {@code i / TAGS}, tag {@code i % TAGS}) as the decode uses it. */
  float weight(int i) {
    return (weights[i] << shifts[i / TAGS]) * scale;
  }

  /** The largest row shift: {@code PER_TOKEN * 255 << MAX_SHIFT} still fits a 16-bit quarter. */
  static final int MAX_SHIFT = 2;

  /** The bias that makes a stored weight unsigned. */
  private static final int BIAS = 128;
  private static final long EVEN_LANES = 0x00FF00FF00FF00FFL;

  /**
   * Quantizes float weights to 8 bits per weight and a shift per row: the largest magnitude maps to
   * {@code LEVELS << MAX_SHIFT}; each row takes the smallest shift that its largest weight fits in.
   */
  static SequenceModel quantize(int bits, float[] w, float[] transitions) {
    float max = 0;
    for (float v : w) {
      max = Math.max(max, Math.abs(v));
    }
    float scale = max == 0 ? 1f : max / (LEVELS << MAX_SHIFT);
    int rows = 1 << bits;
    byte[] q = new byte[w.length];
    byte[] shifts = new byte[rows];
    for (int r = 0; r < rows; r++) {
      int sh = 0;
      for (; sh < MAX_SHIFT; sh++) {
        boolean fits = true;
        for (int y = 0; y < TAGS && fits; y++) {
          fits = Math.abs(Math.round(w[r * TAGS + y] / (scale * (1 << sh)))) <= LEVELS;
        }
        if (fits) {
          break;
        }
      }
      shifts[r] = (byte) sh;
      for (int y = 0; y < TAGS; y++) {
        int v = Math.round(w[r * TAGS + y] / (scale * (1 << sh)));
        q[r * TAGS + y] = (byte) Math.max(-LEVELS, Math.min(LEVELS, v));
      }
    }
    return new SequenceModel(bits, scale, q, shifts, transitions.clone());
  }

  static boolean allowed(int prev, int tag) {
    // I-x (even tags >= 2) must follow B-x or I-x of the same type
    if (tag == 0 || (tag & 1) == 1) {
      return true;
    }
    return prev == tag || prev == tag - 1;
  }

  /**
   * Best tag sequence for the tokens {@code [from, to)} of a text, features computed token by token
   * ({@link ModelFeatures#token}) and scored at once, so the indices never leave the first-level cache.
   * The emission of a tag is the integer sum of its quantized weights over the token's features, times
   * {@link #scale}, exactly as in training ({@link ModelFeatures#extract}); {@code ModelFeaturesEquivalenceTest}
   * holds this path to the pre-optimisation one. {@code emissions} must hold at least {@code (to - from) * TAGS}
   * floats and {@code scratch} {@link ModelFeatures#PER_TOKEN} ints.
   */
  int[] decode(ModelFeatures.Facts facts, int from, int to, int[] scratch, float[] emissions) {
    int per = ModelFeatures.PER_TOKEN;
    int mask = (1 << bits) - 1;
    long[] w = packed;
    float sc = scale;
    for (int t = from, e = 0; t < to; t++, e += TAGS) {
      ModelFeatures.token(facts, t, mask, scratch, 0);
      long even = 0; // tags 0, 2, 4, 6 in 16-bit quarters
      long odd = 0;  // tags 1, 3, 5 (the top quarter sums the shifts themselves: unused)
      int unbias = 0;
      for (int k = 0; k < per; k++) {
        long row = w[scratch[k]];
        int sh = (int) (row >>> 56);
        even += (row & EVEN_LANES) << sh;
        odd += ((row >>> 8) & EVEN_LANES) << sh;
        unbias += BIAS << sh;
      }
      emissions[e] = (((int) even & 0xFFFF) - unbias) * sc;
      emissions[e + 1] = (((int) odd & 0xFFFF) - unbias) * sc;
      emissions[e + 2] = (((int) (even >>> 16) & 0xFFFF) - unbias) * sc;
      emissions[e + 3] = (((int) (odd >>> 16) & 0xFFFF) - unbias) * sc;
      emissions[e + 4] = (((int) (even >>> 32) & 0xFFFF) - unbias) * sc;
      emissions[e + 5] = (((int) (odd >>> 32) & 0xFFFF) - unbias) * sc;
      emissions[e + 6] = (((int) (even >>> 48) & 0xFFFF) - unbias) * sc;
    }
    return viterbi(emissions, to - from, transitions);
  }

  static int[] viterbi(float[] emissions, int n, float[] transitions) {
    int[] tags = new int[n];
    if (n == 0) {
      return tags;
    }
    float[] score = new float[TAGS];
    float[] next = new float[TAGS];
    int[] back = new int[n * TAGS];
    for (int y = 0; y < TAGS; y++) {
      score[y] = allowed(0, y) ? emissions[y] + transitions[TAGS * TAGS + y] : Float.NEGATIVE_INFINITY;
    }
    for (int t = 1; t < n; t++) {
      for (int y = 0; y < TAGS; y++) {
        float best = Float.NEGATIVE_INFINITY;
        int arg = 0;
        for (int p = 0; p < TAGS; p++) {
          if (!allowed(p, y)) {
            continue;
          }
          float v = score[p] + transitions[p * TAGS + y];
          if (v > best) {
            best = v;
            arg = p;
          }
        }
        next[y] = best + emissions[t * TAGS + y];
        back[t * TAGS + y] = arg;
      }
      float[] tmp = score;
      score = next;
      next = tmp;
    }
    int arg = 0;
    for (int y = 1; y < TAGS; y++) {
      if (score[y] > score[arg]) {
        arg = y;
      }
    }
    for (int t = n - 1; t >= 0; t--) {
      tags[t] = arg;
      arg = back[t * TAGS + arg];
    }
    return tags;
  }

  void write(OutputStream raw) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16);
    DataOutputStream out = new DataOutputStream(gz);
    out.writeBytes(MAGIC);
    out.writeInt(ModelFeatures.VERSION);
    out.writeInt(bits);
    out.writeInt(TAGS);
    out.writeFloat(scale);
    for (float f : transitions) {
      out.writeFloat(f);
    }
    out.write(weights);
    out.write(shifts);
    out.flush();
    gz.finish();
  }

  /**
   * Reads a model written by {@link #write}.
   *
   * @throws IOException if the stream is not a Veil NER model of this feature version, or is truncated
   */
  static SequenceModel read(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16));
    byte[] magic = new byte[MAGIC.length()];
    in.readFully(magic);
    String found = new String(magic, java.nio.charset.StandardCharsets.US_ASCII);
    if (OLD_MAGIC.equals(found)) {
      throw new IOException("NER model has 16-bit weights (" + OLD_MAGIC + "), this build needs " + MAGIC + ": retrain");
    }
    if (!MAGIC.equals(found)) {
      throw new IOException("not a Veil NER model");
    }
    int version = in.readInt();
    if (version != ModelFeatures.VERSION) {
      throw new IOException("NER model has feature version " + version + ", this build needs " + ModelFeatures.VERSION);
    }
    int bits = in.readInt();
    int tags = in.readInt();
    if (bits < 8 || bits > 24 || tags != TAGS) {
      throw new IOException("NER model header is invalid");
    }
    float scale = in.readFloat();
    float[] trans = new float[(TAGS + 1) * TAGS];
    for (int i = 0; i < trans.length; i++) {
      trans[i] = in.readFloat();
    }
    byte[] w = new byte[(1 << bits) * TAGS];
    in.readFully(w);
    byte[] sh = new byte[1 << bits];
    in.readFully(sh);
    for (byte b : sh) {
      if (b < 0 || b > MAX_SHIFT) {
        throw new IOException("NER model has a row shift out of range");
      }
    }
    if (in.read() != -1) {
      throw new IOException("NER model has trailing data");
    }
    return new SequenceModel(bits, scale, w, sh, trans);
  }
}
