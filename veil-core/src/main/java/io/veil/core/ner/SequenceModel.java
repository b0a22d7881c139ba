package io.veil.core.ner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A trained linear-chain tagger: hashed feature weights per tag (16-bit fixed point), tag-transition
 * weights, and exact first-order Viterbi decoding under the BIO constraint (an inside tag only after
 * the begin or inside tag of its own type). Tags: 0 = O, then B/I pairs for each of
 * {@link ModelFeatures#TYPES}.
 *
 * <p>File format (gzip): magic {@code VEILNER1}, feature-template version, hash bits, tag count,
 * weight scale, transitions ({@code (tags+1) * tags} floats, the last row is the start), then
 * {@code 2^bits * tags} shorts. Gzip is written with a zero time stamp, so the same weights give
 * the same bytes.
 *
 * <p>Immutable after construction and thread-safe; {@link #decode} allocates only its own arrays.
 */
final class SequenceModel {
  static final String MAGIC = "VEILNER1";
  static final int TAGS = 1 + 2 * ModelFeatures.TYPES.length;

  final int bits;
  final float scale;
  final short[] weights;
  final float[] transitions;
  /**
   * {@link #weights} for analysis: one 16-byte row per feature (two longs, four 16-bit lanes each, tag y in
   * lane y, the eighth lane unused), every weight stored as {@code w + 32768} (unsigned). A row never
   * straddles a cache line, and {@link #decode(ModelFeatures.Facts, int, int, int[], float[])} adds two
   * tags per instruction: even and odd lanes are summed in 32-bit halves of a long, where the sum of
   * {@link ModelFeatures#PER_TOKEN} values below 2^16 cannot carry into the next half.
   */
  private final long[] packed;

  SequenceModel(int bits, float scale, short[] weights, float[] transitions) {
    if (weights.length != (1 << bits) * TAGS || transitions.length != (TAGS + 1) * TAGS) {
      throw new IllegalArgumentException("model arrays do not match its size");
    }
    this.bits = bits;
    this.scale = scale;
    this.weights = weights;
    this.transitions = transitions;
    this.packed = pack(weights, 1 << bits);
  }

  private static long[] pack(short[] weights, int rows) {
    long[] out = new long[rows * 2];
    for (int r = 0; r < rows; r++) {
      long lo = 0;
      long hi = 0;
      for (int y = 0; y < 8; y++) {
        long v = (y < TAGS ? weights[r * TAGS + y] : 0) + BIAS;
        if (y < 4) {
          lo |= v << (16 * y);
        } else {
          hi |= v << (16 * (y - 4));
        }
      }
      out[r * 2] = lo;
      out[r * 2 + 1] = hi;
    }
    return out;
  }

  /** The bias that makes a stored weight unsigned. */
  private static final int BIAS = 32768;
  private static final long EVEN_LANES = 0x0000FFFF0000FFFFL;

  /** Quantizes float weights to 16 bits (largest magnitude maps to 32767). */
  static SequenceModel quantize(int bits, float[] w, float[] transitions) {
    float max = 0;
    for (float v : w) {
      max = Math.max(max, Math.abs(v));
    }
    float scale = max == 0 ? 1f : max / 32767f;
    short[] q = new short[w.length];
    for (int i = 0; i < w.length; i++) {
      q[i] = (short) Math.round(w[i] / scale);
    }
    return new SequenceModel(bits, scale, q, transitions.clone());
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
    long unbias = (long) per * BIAS;
    for (int t = from, e = 0; t < to; t++, e += TAGS) {
      ModelFeatures.token(facts, t, mask, scratch, 0);
      long even0 = 0; // tags 0 and 2
      long odd0 = 0;  // tags 1 and 3
      long even1 = 0; // tags 4 and 6
      long odd1 = 0;  // tag 5
      for (int k = 0; k < per; k++) {
        int at = scratch[k] << 1;
        long lo = w[at];
        long hi = w[at + 1];
        even0 += lo & EVEN_LANES;
        odd0 += (lo >>> 16) & EVEN_LANES;
        even1 += hi & EVEN_LANES;
        odd1 += (hi >>> 16) & EVEN_LANES;
      }
      emissions[e] = (int) ((even0 & 0xFFFFFFFFL) - unbias) * sc;
      emissions[e + 1] = (int) ((odd0 & 0xFFFFFFFFL) - unbias) * sc;
      emissions[e + 2] = (int) ((even0 >>> 32) - unbias) * sc;
      emissions[e + 3] = (int) ((odd0 >>> 32) - unbias) * sc;
      emissions[e + 4] = (int) ((even1 & 0xFFFFFFFFL) - unbias) * sc;
      emissions[e + 5] = (int) ((odd1 & 0xFFFFFFFFL) - unbias) * sc;
      emissions[e + 6] = (int) ((even1 >>> 32) - unbias) * sc;
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
    byte[] buf = new byte[1 << 16];
    int b = 0;
    for (short s : weights) {
      buf[b++] = (byte) (s >> 8);
      buf[b++] = (byte) s;
      if (b == buf.length) {
        out.write(buf, 0, b);
        b = 0;
      }
    }
    out.write(buf, 0, b);
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
    if (!MAGIC.equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
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
    short[] w = new short[(1 << bits) * TAGS];
    byte[] buf = new byte[1 << 16];
    int i = 0;
    while (i < w.length) {
      int want = Math.min(buf.length, (w.length - i) * 2);
      in.readFully(buf, 0, want);
      for (int b = 0; b < want; b += 2) {
        w[i++] = (short) ((buf[b] << 8) | (buf[b + 1] & 0xff));
      }
    }
    if (in.read() != -1) {
      throw new IOException("NER model has trailing data");
    }
    return new SequenceModel(bits, scale, w, trans);
  }
}
