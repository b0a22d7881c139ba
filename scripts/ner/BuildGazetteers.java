import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Builds veil-core's bundled NER lexicon from the raw gazetteers. Reproducible: same inputs, same bytes.
 *
 * <pre>
 * apt-get install wamerican-small      # SCOWL word list, provides /usr/share/dict/american-english-small
 * java scripts/ner/BuildGazetteers.java /work/shared/data/gazetteers /usr/share/dict/american-english-small \
 *      veil-core/src/main/resources/io/veil/core/ner
 * </pre>
 *
 * Output: {@code lexicon.tsv.gz}, one line per lower-case key: {@code key TAB flags}. Multi-word keys are
 * tokens joined by one space (tokens = runs of letters/digits with inner ' or -). Flags (see Lexicon.java):
 * bits 0-3 first-name strength, 4-7 surname strength, 8 city, 9 country, 10 region (state/province),
 * 11 common English word, 12 first token of a multi-word key.
 */
public class BuildGazetteers {
  static final int CITY = 1 << 8, COUNTRY = 1 << 9, REGION = 1 << 10, COMMON = 1 << 11, MW_PREFIX = 1 << 12;

  static final Map<String, Integer> lex = new TreeMap<>();

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: BuildGazetteers <gazetteers dir> <english word list> <output dir>");
      System.exit(2);
    }
    Path gaz = Path.of(args[0]);
    Path words = Path.of(args[1]);
    Path out = Path.of(args[2]);

    // first names: SSA 1880-2023 totals summed over sexes, plus census 1990 first names
    Map<String, Long> firstCounts = new TreeMap<>();
    try (BufferedReader r = Files.newBufferedReader(gaz.resolve("ssa_first_names/ssa_national_names_aggregated.csv"))) {
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        String[] f = line.split(",");
        firstCounts.merge(norm(f[0]), Long.parseLong(f[2]), Long::sum);
      }
    }
    for (Map.Entry<String, Long> e : firstCounts.entrySet()) {
      long c = e.getValue();
      if (c < 30) continue;
      int s = clamp((int) Math.round(Math.log(c) / Math.log(2) - 5), 1, 15);
      put(e.getKey(), s);
    }
    for (String file : List.of("dist.female.first", "dist.male.first")) {
      for (String line : Files.readAllLines(gaz.resolve("us_census_1990_names/" + file))) {
        String[] f = line.trim().split("\\s+");
        int rank = Integer.parseInt(f[3]);
        int s = clamp((int) Math.round(16 - Math.log(rank) / Math.log(2)), 3, 15);
        putMax(norm(f[0]), s, 0);
      }
    }
    // surnames: census 1990 by rank, census 2010 top 1000
    for (String line : Files.readAllLines(gaz.resolve("us_census_1990_names/dist.all.last"))) {
      String[] f = line.trim().split("\\s+");
      int rank = Integer.parseInt(f[3]);
      int s = clamp((int) Math.round(17 - Math.log(rank) / Math.log(2)), 1, 15);
      putMax(norm(f[0]), s, 4);
    }
    List<String> l2010 = Files.readAllLines(gaz.resolve("us_census_2010_top1000_surnames/2010_Census_Surnames.csv"));
    for (String line : l2010.subList(1, l2010.size())) {
      List<String> f = csv(line);
      if (f.get(0).isBlank() || !f.get(1).matches("\\d+")) continue;
      int rank = Integer.parseInt(f.get(1));
      int s = clamp((int) Math.round(17 - Math.log(rank) / Math.log(2)), 1, 15);
      putMax(norm(f.get(0)), s, 4);
    }
    // cities and their regions (GeoNames cities15000, CC-BY)
    List<String> cities = Files.readAllLines(gaz.resolve("world_cities/world-cities.csv"));
    for (String line : cities.subList(1, cities.size())) {
      List<String> f = csv(line);
      addPlace(f.get(0), CITY);
      addPlace(f.get(2), REGION);
      addPlace(f.get(1), COUNTRY);
    }
    List<String> countries = Files.readAllLines(gaz.resolve("country_list/country-list.csv"));
    for (String line : countries.subList(1, countries.size())) {
      String name = csv(line).get(0);
      String base = name.replaceAll("\\s*\\(.*\\)", "");
      addPlace(base, COUNTRY);
      int comma = base.indexOf(", ");
      if (comma > 0) {
        addPlace(base.substring(0, comma), COUNTRY);
      }
    }
    for (String alias : COUNTRY_ALIASES) addPlace(alias, COUNTRY);
    for (String state : REGIONS) addPlace(state, REGION);
    // common English words: lower-case entries of the SCOWL list (proper nouns are capitalised there)
    for (String w : Files.readAllLines(words, StandardCharsets.UTF_8)) {
      if (w.isEmpty() || !Character.isLowerCase(w.charAt(0))) continue;
      String k = w.endsWith("'s") ? w.substring(0, w.length() - 2) : w;
      if (k.indexOf('\'') >= 0) continue;
      lex.merge(norm(k), COMMON, (a, b) -> a | b);
    }
    Files.createDirectories(out);
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(out.resolve("lexicon.tsv.gz")));
        Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, Integer> e : lex.entrySet()) {
        w.write(e.getKey());
        w.write('\t');
        w.write(Integer.toString(e.getValue()));
        w.write('\n');
      }
    }
    System.out.println("wrote " + lex.size() + " keys");
  }

  static void addPlace(String name, int flag) {
    String k = norm(name);
    if (k.isEmpty()) return;
    mark(k, flag);
    String folded = fold(k);
    if (!folded.equals(k)) mark(folded, flag);
  }

  static void mark(String k, int flag) {
    lex.merge(k, flag, (a, b) -> a | b);
    int sp = k.indexOf(' ');
    if (sp > 0) lex.merge(k.substring(0, sp), MW_PREFIX, (a, b) -> a | b);
  }

  static void put(String k, int strength) {
    putMax(k, strength, 0);
  }

  static void putMax(String k, int strength, int shift) {
    if (k.isEmpty() || k.indexOf(' ') >= 0) return;
    int old = lex.getOrDefault(k, 0);
    int cur = (old >> shift) & 15;
    if (strength > cur) lex.put(k, (old & ~(15 << shift)) | (strength << shift));
  }

  /** Lower-case, tokens joined by single spaces, the same tokenisation as the engine. */
  static String norm(String s) {
    String lower = s.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
    StringBuilder b = new StringBuilder(lower.length());
    int i = 0;
    int n = lower.length();
    while (i < n) {
      char c = lower.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        if (!b.isEmpty() && b.charAt(b.length() - 1) != ' ' && i > 0 && !isWordChar(lower, i - 1)) b.append(' ');
        b.append(c);
      } else if ((c == '\'' || c == '-') && i > 0 && i + 1 < n && Character.isLetterOrDigit(lower.charAt(i - 1))
          && Character.isLetterOrDigit(lower.charAt(i + 1))) {
        b.append(c);
      } else if (!b.isEmpty() && b.charAt(b.length() - 1) != ' ') {
        b.append(' ');
      }
      i++;
    }
    return b.toString().trim();
  }

  static boolean isWordChar(String s, int i) {
    char c = s.charAt(i);
    return Character.isLetterOrDigit(c) || c == '\'' || c == '-';
  }

  static String fold(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
  }

  static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  static List<String> csv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean q = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') q = !q;
      else if (c == ',' && !q) {
        out.add(cur.toString());
        cur.setLength(0);
      } else cur.append(c);
    }
    out.add(cur.toString());
    return out;
  }

  static final List<String> COUNTRY_ALIASES = List.of(
      "United States", "United States of America", "USA", "U.S.A.", "America", "United Kingdom", "UK", "U.K.",
      "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland", "Russia", "South Korea",
      "North Korea", "Korea", "Vietnam", "Iran", "Syria", "Laos", "Czech Republic", "Ivory Coast", "Tanzania",
      "Palestine", "Vatican", "Vatican City", "Macedonia", "Moldova", "Taiwan", "Burma", "Holland", "East Timor",
      "Republic of Ireland", "Ireland", "Democratic Republic of the Congo", "Republic of the Congo", "Congo",
      "People's Republic of China", "Kingdom of the Netherlands", "The Netherlands", "Netherlands", "Swaziland",
      "Cape Verde", "Micronesia", "Bolivia", "Venezuela", "Brunei", "Bahamas", "The Bahamas", "Gambia",
      "The Gambia", "Philippines", "Dominican Republic", "Central African Republic", "Comoros", "Sudan",
      "Niger", "Marshall Islands", "Cayman Islands", "Falkland Islands", "Faroe Islands", "Solomon Islands",
      "Turks and Caicos Islands", "British Virgin Islands", "US Virgin Islands", "Saint Martin", "Sint Maarten",
      "Reunion", "Curacao", "Kosovo", "Europe", "Africa", "Asia", "North America", "South America",
      "Latin America", "Australia", "Antarctica", "Middle East", "Scandinavia", "Deutschland", "Österreich",
      "Schweiz", "España", "Italia", "Belgique", "België", "Nederland", "Sverige", "Norge", "Danmark", "Suomi",
      "Polska", "Brasil", "México", "Türkiye", "Hellas");

  static final List<String> REGIONS = List.of(
      "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida",
      "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine",
      "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska",
      "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
      "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee",
      "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming",
      "District of Columbia", "Puerto Rico", "Guam", "Ontario", "Quebec", "British Columbia", "Alberta",
      "Manitoba", "Saskatchewan", "Nova Scotia", "New Brunswick", "Newfoundland", "Prince Edward Island",
      "Yukon", "Nunavut", "Northwest Territories", "Bavaria", "Bayern", "Tyrol", "Tirol", "Catalonia",
      "Andalusia", "Provence", "Brittany", "Normandy", "Tuscany", "Sicily", "Sardinia", "Lombardy", "Flanders",
      "Wallonia", "Queensland", "New South Wales", "Victoria", "Tasmania", "Siberia", "Silicon Valley",
      "Bay Area", "Midwest", "New England");
}
