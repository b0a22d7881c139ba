package io.veil.core.ner;

import java.util.Set;

/** Small closed word lists (lower-case) that steer the gazetteer engine. Written by hand. */
final class Words {
  private Words() {}

  /** An immutable set that tolerates repeated entries in the hand-written lists. */
  static Set<String> set(String... words) {
    return Set.copyOf(java.util.Arrays.asList(words));
  }

  /** Honorifics before a name. */
  static final Set<String> TITLES = Words.set(
      "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord", "rev", "reverend",
      "fr", "father", "sister", "brother", "capt", "captain", "col", "colonel", "gen", "general", "lt", "sgt",
      "officer", "judge", "justice", "senator", "sen", "rep", "gov", "governor", "president", "mayor", "herr", "frau",
      "sr", "sra", "srta", "don", "doña", "mme", "mlle", "madame", "monsieur", "mevrouw", "meneer", "dhr", "mevr",
      "signor", "signora", "uncle", "aunt", "auntie", "grandma", "grandpa", "coach", "nurse", "doctor");

  /** Capitalised words that are never (part of) a person's name in running text. */
  static final Set<String> NOT_NAMES = Words.set(
      "i", "i'm", "i've", "i'll", "i'd", "january", "february", "march", "april", "may", "june", "july", "august",
      "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
      "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
      "today", "tomorrow", "yesterday", "god", "jesus", "christ", "christmas", "easter", "english", "french",
      "german", "spanish", "italian", "dutch", "chinese", "japanese", "russian", "american", "british", "european",
      "african", "asian", "canadian", "australian", "indian", "mexican", "irish", "scottish", "swedish", "danish",
      "norwegian", "finnish", "polish", "greek", "turkish", "arabic", "hindi", "portuguese", "brazilian", "korean",
      "islam", "muslim", "christian", "jewish", "catholic", "hello", "hi", "hey", "dear", "thanks", "thank",
      "regards", "sincerely", "cheers", "yes", "no", "ok", "okay", "please", "sorry", "bot", "user", "name",
      "address", "phone", "email", "street", "avenue", "road", "apt", "suite", "unit", "city", "state", "country",
      "zip", "tel", "fax", "re", "fwd", "subject", "attn", "lol", "omg", "rt", "via", "mon", "tue", "wed", "thu",
      "fri", "sat", "sun", "am", "pm", "tv", "usa", "uk", "eu", "un", "ceo", "cto", "cfo", "hr", "it", "id", "ssn",
      "iban", "visa", "mastercard", "amex", "covid", "internet", "wifi", "app", "inc", "ltd", "llc", "corp", "co",
      "md", "phd", "jr", "esq", "dds", "dvm", "rn", "chapter", "section", "table", "figure", "page", "step", "note",
      "website", "web", "e-mail", "mobile", "desk", "office", "when", "where", "who", "what", "personal", "info",
      "contact", "bio", "summary", "experience", "education", "skills", "profile", "hobbies", "birthday", "age");

  /**
   * Verbs that open a request to an assistant ("Call Jane Doe", "Tell Mark Smith ...", "Email Ahmed"):
   * at the start of a sentence they are never the first word of a name, whatever the surname lists say
   * (Call, Tell, Ask and Send are all surnames), and the capitalised words after them often are a name.
   */
  static final Set<String> IMPERATIVES = Words.set(
      "call", "tell", "ask", "email", "e-mail", "text", "message", "ping", "remind", "invite", "thank", "send",
      "write", "notify", "forward", "introduce", "inform", "cc", "congratulate", "schedule", "book", "draft",
      "reply", "answer", "help", "greet", "phone", "summarize", "summarise", "translate", "let", "wish", "pay",
      "meet", "visit", "follow", "contact", "find", "show", "give", "bring", "take", "update", "warn", "hire");

  /** Function words: never a name, whatever the name lists say ("In", "So", "Can"). */
  static final Set<String> FUNCTION = Words.set(
      "in", "on", "at", "the", "a", "an", "of", "for", "to", "from", "by", "with", "and", "or", "but", "if", "so",
      "as", "is", "it", "its", "we", "he", "she", "they", "you", "me", "my", "our", "your", "his", "her", "their",
      "this", "that", "these", "those", "there", "here", "what", "when", "where", "why", "how", "who", "which", "can",
      "could", "would", "should", "do", "does", "did", "have", "has", "had", "be", "been", "are", "was", "were",
      "might", "must", "not", "all", "any", "some", "every", "each", "more", "most", "very", "just", "also",
      "only", "then", "than", "into", "onto", "over", "under", "after", "before", "about", "since", "until", "while",
      "because", "although", "though", "unlike", "like", "per", "via", "up", "down", "out", "off", "again", "once",
      "new", "old", "good", "great", "best", "first", "last", "next", "one", "two", "three", "our", "us", "him",
      "thai", "vietnamese", "filipino", "swiss", "belgian", "austrian", "hungarian", "czech", "croatian", "serbian",
      "romanian", "bulgarian", "ukrainian", "israeli", "iranian", "iraqi", "egyptian", "nigerian", "kenyan",
      "pakistani", "bangladeshi", "indonesian", "malaysian", "peruvian", "chilean", "argentinian", "colombian",
      // articles and conjunctions of German, Dutch, French and Spanish that are also surnames
      "der", "die", "das", "dem", "des", "ein", "eine", "einer", "und", "oder", "im", "am", "zum", "zur", "vom",
      "het", "een", "les", "une", "et", "los", "las", "und", "aber", "mit", "für", "auf", "bei", "nach",
      // German pronouns, pronominal adverbs, conjunctions and prepositions, capitalised at a sentence start
      // ("Darin …", "Mich …", "Dabei …"); none is a given name or an English word (not "weil", "nur", "man", "hat")
      "ich", "er", "es", "wir", "sie", "mich", "dich", "ihn", "ihm", "ihr", "ihre", "ihren", "ihrem", "ihrer", "uns",
      "euch", "sich", "sein", "seine", "seinen", "seinem", "seiner", "darin", "darauf", "damit", "dabei", "dafür",
      "davon", "daran", "darüber", "dazu", "daher", "deshalb", "dennoch", "trotzdem", "jedoch", "sondern", "denn",
      "doch", "noch", "schon", "sehr", "hier", "dort", "dann", "wenn", "dass", "daß", "ob", "als", "wie", "wer",
      "wo", "nicht", "auch", "vor", "gegen", "durch", "ohne", "seit", "bis", "während", "über", "unter",
      "zwischen", "wegen", "trotz", "ja", "nein");

  /** Name particles that may stand between the parts of a name. */
  static final Set<String> PARTICLES = Words.set(
      "van", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "do", "du", "von", "zu", "le", "la", "ten",
      "ter", "bin", "ibn", "al", "el", "y", "st", "mac", "ap");

  /** Name suffixes that may follow a name. */
  static final Set<String> NAME_SUFFIXES = Words.set("jr", "sr", "ii", "iii", "iv", "md", "phd", "esq", "dds", "rn");

  /** Legal forms: a capitalised phrase ending in one of these is an organization. */
  static final Set<String> LEGAL_SUFFIXES = Words.set(
      "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "corp", "corporation", "co", "gmbh", "ag",
      "kg", "ohg", "ug", "sa", "sas", "sarl", "sàrl", "srl", "spa", "bv", "nv", "oy", "oyj", "ab", "as", "asa", "aps",
      "kk", "pty", "pte", "pvt", "sl", "sca", "se", "company", "e.v", "ev");

  /** Head nouns of organization names ("Acme Logistics", "First National Bank"). */
  static final Set<String> ORG_HEADS = Words.set(
      "group", "bank", "holdings", "technologies", "technology", "solutions", "systems", "labs", "laboratories",
      "partners", "associates", "foundation", "institute", "university", "college", "academy", "school", "agency",
      "services", "consulting", "industries", "international", "enterprises", "ministry", "department", "hospital",
      "clinic", "council", "association", "society", "airlines", "airways", "motors", "media", "networks", "software",
      "capital", "ventures", "logistics", "pharmaceuticals", "pharma", "biosciences", "therapeutics", "insurance",
      "investments", "financial", "bancorp", "trust", "federation", "union", "committee", "commission", "authority",
      "office", "bureau", "agency", "club", "studios", "records", "entertainment", "communications", "telecom",
      "energy", "electric", "foods", "brands", "stores", "markets", "center", "centre", "museum", "church",
      "police", "army", "navy", "party", "press", "times", "news", "post", "journal", "magazine", "gazette", "hotel",
      "hotels", "resorts", "restaurant", "cafe", "pharmacy", "motors", "automotive", "analytics", "dynamics",
      "robotics", "semiconductor", "semiconductors", "labs", "works", "appraisals", "realty", "properties",
      "construction", "engineering", "manufacturing", "chemicals", "petroleum", "oil", "gas", "mining", "steel",
      "airport", "railway", "railways", "transit", "lines", "unlimited", "cooperative", "coop", "gmbh");

  /** Words that open an organization name: "University of ...", "Bank of ...". */
  static final Set<String> ORG_OPENERS = Words.set(
      "university", "bank", "ministry", "department", "institute", "college", "museum", "church", "school", "board",
      "bureau", "office", "council", "federal", "national", "royal", "state", "city", "county", "federation",
      "universität", "universidad", "université", "universiteit", "banco", "banque", "hochschule");

  /** Phrases (lower-case tokens) after which a capitalised word is very likely a person. */
  static final String[][] PERSON_CUES = {
      {"my", "name", "is"}, {"name", "is"}, {"name", ":"}, {"name", "-"}, {"names", "are"}, {"i", "am"},
      {"i'm"}, {"im"}, {"call", "me"}, {"calls", "me"}, {"called", "me"}, {"name", "?"}, {"name", "is", ":"}, {"this", "is"}, {"it's"}, {"named"}, {"called"}, {"signed"}, {"regards", ","},
      {"regards"}, {"sincerely", ","}, {"sincerely"}, {"thanks", ","}, {"cheers", ","}, {"best", ","}, {"dear"},
      {"hi"}, {"hello"}, {"hey"}, {"patient"}, {"contact"}, {"ask", "for"}, {"speak", "to"}, {"spoke", "with"},
      {"spoke", "to"}, {"talk", "to"}, {"talked", "to"}, {"attn", ":"}, {"attn"}, {"attention", ":"}, {"from", ":"},
      {"to", ":"}, {"cc", ":"}, {"author", ":"}, {"customer", ":"}, {"client", ":"}, {"employee", ":"},
      {"user", ":"}, {"by"}, {"with"}, {"meet"}, {"met"}, {"married"}, {"wife"}, {"husband"}, {"son"},
      {"daughter"}, {"mother"}, {"father"}, {"brother"}, {"sister"}, {"friend"}, {"colleague"}, {"manager"},
      {"boss"}, {"assistant"}, {"nurse"}, {"doctor"}, {"physician"}, {"surgeon"}, {"lawyer"}, {"attorney"},
      {"tribute", "to"}, {"directed", "by"}, {"written", "by"}, {"starring"}, {"featuring"}, {"feat"},
      {"follow", "up", "with"}, {"according", "to"}, {"interview", "with"}, {"player"}, {"singer"}, {"actor"},
      {"actress"}, {"director"}, {"author"}, {"writer"}, {"artist"}, {"ceo"}, {"founder"}, {"chairman"},
      {"president"}, {"coach"}, {"minister"}, {"officer"}, {"agent"}, {"client"}, {"customer"}, {"employee"},
      {"candidate"}, {"applicant"}, {"student"}, {"teacher"}, {"mrs"}, {"mr"}, {"call"}, {"tell"}, {"ask"},
      {"email"}, {"text"}, {"remind"}, {"invite"}, {"thank"}, {"ping"}, {"message"}, {"cc"}, {"congratulate"},
      {"introduce"}, {"notify"}, {"inform"}};

  /** Cues that by themselves justify taking an unknown (or lower-case) word as a name. */
  static final Set<String> STRONG_PERSON_CUES = Words.set(
      "my name is", "name is", "name :", "name -", "names are", "call me", "calls me", "called me", "name ?", "i am", "i'm", "im", "named", "called",
      "signed", "regards ,", "regards", "sincerely ,", "sincerely", "dear", "hi", "hello", "hey", "patient",
      "attn :", "attn", "attention :", "tribute to", "directed by", "written by", "starring", "featuring",
      "follow up with", "spoke with", "speak to", "ask for", "interview with", "author :", "customer :",
      "client :", "employee :", "user :");

  /** Verbs after a name ("..., says Iwase" is handled as a cue before; "Iwase said"). */
  /** Speech verbs that precede a name ("said Mai", "says Iwase"). */
  static final Set<String> SPEECH = Words.set("said", "says", "asked", "told", "replied", "wrote", "added", "by");

  static final Set<String> PERSON_AFTER = Words.set(
      "said", "says", "told", "wrote", "asked", "replied", "explained", "added", "noted", "argued", "claimed",
      "thinks", "believes", "wants", "loves", "likes", "hates", "is", "was", "has", "had", "will", "would", "and",
      "'s", "who", "herself", "himself", "agreed", "announced", "stated", "reported", "joined", "called",
      "died", "born", "married");

  /** Cues before a place. */
  static final Set<String> PLACE_CUES = Words.set(
      "in", "from", "to", "at", "near", "visit", "visiting", "visited", "via", "toward", "towards", "across",
      "around", "outside", "inside", "of", "into", "through", "between");

  /** Phrases after which a capitalised word is a place even when no gazetteer knows it. */
  static final String[][] PLACE_PHRASES = {
      {"flew", "to"}, {"fly", "to"}, {"flying", "to"}, {"moved", "to"}, {"move", "to"}, {"moving", "to"},
      {"moved", "here", "from"}, {"originally", "from"}, {"grew", "up", "in"}, {"based", "in"}, {"born", "in"},
      {"live", "in"}, {"lives", "in"}, {"living", "in"}, {"lived", "in"}, {"located", "in"}, {"travel", "to"},
      {"travelled", "to"}, {"traveled", "to"}, {"trip", "to"}, {"arrived", "at"}, {"arrived", "in"},
      {"returned", "to"}, {"visit"}, {"visiting"}, {"visited"}, {"city", "of"}, {"town", "of"},
      {"village", "of"}, {"near"}, {"outside", "of"}, {"suburb", "of"}, {"headquartered", "in"},
      {"wohne", "in"}, {"wohnt", "in"}, {"aus"}, {"nach"}};

  /** Cues before an organization. */
  static final String[][] ORG_CUES = {
      {"works", "at"}, {"works", "for"}, {"work", "at"}, {"work", "for"}, {"working", "at"}, {"working", "for"},
      {"worked", "at"}, {"worked", "for"}, {"employed", "by"}, {"employed", "at"}, {"employer", "is"},
      {"employer", ":"}, {"company", ":"}, {"organization", ":"}, {"organisation", ":"}, {"joined"},
      {"hired", "by"}, {"acquired", "by"}, {"intern", "at"}, {"job", "at"}, {"office", "of"},
      {"subsidiary", "of"}, {"shares", "of"}, {"stock", "of"}};

  /**
   * German determiners and prepositions fused with an article, which open a noun phrase ("an der rechten Wade",
   * "mit einem alten Freund"). Used by {@code ModelNerEngine} only, not a feature: changing it needs no retraining.
   */
  static final Set<String> GERMAN_DETERMINERS = Words.set(
      "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "kein", "keine",
      "keinen", "keinem", "keiner", "keines", "im", "am", "beim", "vom", "zum", "zur", "ins", "ans", "aufs", "mein",
      "meine", "meinen", "meinem", "meiner", "dein", "deine", "deinen", "deinem", "deiner", "sein", "seine",
      "seinen", "seinem", "seiner", "ihr", "ihre", "ihren", "ihrem", "ihrer", "unser", "unsere", "unseren",
      "unserem", "unserer", "dieser", "diese", "dieses", "diesen", "diesem", "jeder", "jede", "jedes", "jeden",
      "jedem", "alle", "allen", "allem", "aller", "vor", "mit", "von", "bei", "nach", "aus", "zu", "an", "auf", "in",
      "für", "über", "unter", "gegen", "durch", "ohne", "wie");

  /** Frequent German function words: a text with more of them than of {@link #ENGLISH_FUNCTION} is treated as German. */
  static final Set<String> GERMAN_FUNCTION = Words.set(
      "der", "die", "und", "das", "ist", "nicht", "mit", "ein", "eine", "ich", "sie", "wir", "wurde", "sind", "auch",
      "sich", "dem", "den", "des", "im", "zu", "auf", "für", "nach", "bei", "aus", "vom", "zum", "zur", "einer",
      "eines", "wird");
  /** Frequent English function words (see {@link #GERMAN_FUNCTION}). */
  static final Set<String> ENGLISH_FUNCTION = Words.set("the", "and", "is", "of", "to", "you", "my", "with");
}
