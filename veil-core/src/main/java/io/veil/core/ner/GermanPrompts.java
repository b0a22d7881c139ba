package io.veil.core.ner;

/**
 * The German synthetic training templates of {@link SyntheticPrompts} (written for Veil, none taken from an
 * evaluation set): news and encyclopedia sentences, letters, e-mails and chat requests, with the kinds of
 * person mention that German text has and the model missed on held-out German news (docs/notes/nerde.md):
 * a surname alone after the first mention ("Röttgen bestätigte …", "…, sagte Müller."), a name after a
 * role or profession written as one capitalised noun ("Staatssekretär", "Europaminister",
 * "Vorstandsvorsitzende"), the genitive -s ("Luthers Thesen", "die Rede Merkels"), speech verbs before the
 * subject ("erklärte Gates"), names after prepositions ("mit", "für", "vor", "von") and lists of surnames.
 * Templates without slots teach that capitalised German nouns are not names.
 *
 * <p>Slots (filled by {@link SyntheticPrompts#generate}): those of {@link SyntheticPrompts#TEMPLATES}, plus
 * {@code {R}} a role or profession before a name (not labelled), {@code {G}} a person's name in the
 * genitive ("Schmidts", "Krauses", "Klaus'"), labelled PERSON with its ending, and {@code {M}} the surname
 * of the last {@code {P}} of the same text (a later mention of the same person).
 *
 * <p>Immutable data; thread-safe.
 */
final class GermanPrompts {
  private GermanPrompts() {}

  static final String[] TEMPLATES = {
      // round 1 (moved here from SyntheticPrompts unchanged)
      "{P} ist seit 2010 Bürgermeister von {C}.",
      "Nach Angaben von {P} wurde das Gebäude im Jahr 1905 errichtet.",
      "Der Trainer {P} sagte am Sonntag, die Mannschaft habe gut gespielt.",
      "In {C} trafen sich {P} und {P} zu Gesprächen über die Zukunft von {O}.",
      "{P} (geboren 1954 in {C}) ist ein deutscher Schauspieler.",
      "Die Firma {O} hat ihren Sitz in {C}.",
      "Laut {L} soll die Entscheidung im Herbst fallen.",
      "Frau {L} arbeitet seit Jahren bei {O} in {C}.",
      "Herr {L} wohnt seit drei Jahren in {C}.",
      "Der Roman von {P} erschien 1998 und wurde ein Erfolg.",
      "Gestern hat {F} mit ihrer Schwester {F} in {C} gefeiert.",
      "{P}, Sprecher von {O}, bestätigte den Bericht am Dienstag.",
      "Die Ausstellung zeigt Werke von {P} und {P}.",
      "Der Minister {P} reiste am Montag nach {K}.",
      "Sehr geehrte Frau {L},\nvielen Dank für Ihre Nachricht.\nMit freundlichen Grüßen\n{P}",
      "Kannst du {F} sagen, dass das Treffen in {C} verschoben wird?",
      "Das Tor zum 2:1 erzielte {L} in der 80. Minute.",
      "{F} {L} studierte in {C} Rechtswissenschaften und arbeitete später für {O}.",
      "Die Polizei in {C} sucht Zeugen des Unfalls.",
      "Mit {P} verliert die Partei eine ihrer bekanntesten Stimmen.",
      "Im Finale trifft {L} auf den Titelverteidiger {P}.",
      "Schreib bitte eine E-Mail an {P} wegen der Rechnung von {O}.",
      "{L} sagte der Zeitung, er sei mit dem Ergebnis zufrieden.",
      "Die Kinder von {F} und {F} gehen in {C} zur Schule.",
      // a role or profession as a capitalised noun right before the name
      "{R} {P} stellte am Mittwoch die neuen Pläne vor.",
      "Das kündigte {R} {P} am Freitag in {C} an.",
      "Nach Ansicht von {R} {P} ist die Lage ernst.",
      "Der Vorschlag stammt von {R} {L}.",
      "{R} {L} will den Vertrag nicht verlängern.",
      "Auch {R} {P} nahm an der Sitzung teil.",
      "Die Ermittlungen leitet {R} {P}.",
      "Unterstützung bekam er von {R} {P} aus {C}.",
      "Im Interview mit dem Sender forderte {R} {P} mehr Geld für Schulen.",
      "Eingeladen hatte {R} {P}, der seit 2015 in {C} lebt.",
      "Die Rede hielt {R} {L}, der früher bei {O} arbeitete.",
      "Gemeinsam mit {R} {P} gründete sie 2004 das Label {O}.",
      "Ihr Bruder {F} übernahm später den Hof.",
      "Ihre Tochter {F} studiert inzwischen in {C}.",
      "Die Familie {L} lebt seit Generationen in {C}.",
      "Das Schloss war bis 1850 im Besitz der Familie {L}.",
      "Er heiratete 1923 {P}, die Tochter eines Kaufmanns aus {C}.",
      "{P}, geb. {L}, wohnt seit 1990 in {C}.",
      // a surname alone, after the first mention or on its own, as subject or object
      "{P} wurde 1962 in {C} geboren. {M} studierte Physik in {C}.",
      "{P} ist neuer Trainer von {O}. {M} unterschrieb einen Vertrag bis 2027.",
      "Der Vertrag von {P} läuft aus. Ob {M} bleibt, ist offen.",
      "{L} bestätigte die Pläne am Dienstag.",
      "{L} will im Herbst erneut kandidieren.",
      "{L} kam 1990 nach {C} und blieb dort bis zu seinem Tod.",
      "{L} gilt als einer der wichtigsten Komponisten seiner Zeit.",
      "Trotzdem lehnte {L} das Angebot ab.",
      "Danach wechselte {L} zu {O}.",
      "Im Jahr 2005 übernahm {L} die Leitung des Instituts.",
      "Mit dem Verein gewann {L} zweimal den Pokal.",
      "Die beste Gelegenheit der ersten Halbzeit hatte {L}.",
      "Nach einer Ecke köpfte {L} zum 1:0 ein.",
      "Nach dem Abitur arbeitete {L} als Journalist in {C}.",
      "Bei der Wahl setzte sich {L} knapp gegen {L} durch.",
      "Die Kritiker warfen {L} vor, die Zahlen geschönt zu haben.",
      "Die Partei stellte sich hinter {L}.",
      "Ein Sprecher von {L} wollte sich dazu nicht äußern.",
      "Auf dem Album sind auch {P} und {P} zu hören.",
      "Der Preis ging in diesem Jahr an {P}.",
      "Für {L} war es der erste Sieg seit drei Jahren.",
      "Im Sprint siegte {L} vor {L}, Dritter wurde {L}.",
      "Neben {L} standen auch {L} und {L} auf der Bühne.",
      "Die Mannschaft mit {L}, {L} und {L} gewann das Turnier.",
      "Später gründete {F} mit {P} eine eigene Firma.",
      // speech verbs and "so"/"laut" before the subject
      "\"Wir sind auf einem guten Weg\", sagte {P} am Montag.",
      "\"Das ist ein großer Erfolg\", erklärte {L}.",
      "Die Lage sei schwierig, so {L}.",
      "\"Ich habe davon nichts gewusst\", betonte {L} später.",
      "Man werde die Vorwürfe prüfen, teilte {R} {P} mit.",
      "Laut {R} {L} sind die Kosten deutlich gestiegen.",
      "Wie {P} berichtet, soll das Werk in {C} geschlossen werden.",
      "Nach Aussage von {L} war der Fahrer zu schnell unterwegs.",
      "\"Es war ein hartes Spiel\", sagte {F} nach dem Abpfiff.",
      // genitive -s and names as modifiers
      "{G} Amtszeit endet im Mai.",
      "In {G} Wohnung fand die Polizei wichtige Hinweise.",
      "Nach {G} Tod übernahm seine Tochter das Geschäft.",
      "Die Briefe {G} an seine Mutter wurden 1950 veröffentlicht.",
      "Der Ausschuss prüft nun die Angaben {G}.",
      "{G} Schwester lebt seit Jahren in {C}.",
      "Dank der Unterstützung {G} konnte das Projekt fortgesetzt werden.",
      "Das Buch erzählt die Geschichte {G}, der in {C} aufwuchs.",
      "{G} Rücktritt kam für viele überraschend.",
      "Das Museum zeigt mehrere {L}-Gemälde aus der Sammlung {G}.",
      "Die {L}-Biografie erschien 2012 bei {O}.",
      // letters, e-mails, chat and requests to an assistant
      "Hallo {F}, kannst du mir die Unterlagen bis Freitag schicken?",
      "Liebe {F},\nwir freuen uns auf deinen Besuch in {C}!\nViele Grüße\n{F}",
      "Sehr geehrter Herr {L},\nanbei erhalten Sie den Vertrag.\nMit freundlichen Grüßen\n{P}\n{O}",
      "Guten Tag Frau {L}, Ihr Termin ist am Donnerstag um 10 Uhr.",
      "Schreib eine freundliche Absage an {P}.",
      "Fasse die E-Mail von {P} in drei Sätzen zusammen.",
      "Ich heiße {P} und wohne in {C}.",
      "Mein Name ist {L}, {F} {L}.",
      "Bitte leite die Rechnung an {P} bei {O} weiter.",
      "Kannst du einen Termin mit {P} für nächste Woche vereinbaren?",
      "Mein Chef {P} möchte die Präsentation bis Montag.",
      "Frag mal {F}, ob sie morgen Zeit hat.",
      "{F} und ich fahren am Wochenende nach {C}.",
      "Unsere Kundin {P} hat sich über die Lieferung beschwert.",
      "Der Patient {P} wurde von Dr. {L} überwiesen.",
      "Ansprechpartner: {P}, {O}, {C}",
      "Name: {L}, Vorname: {F}, Wohnort: {C}",
      "Von: {P}\nAn: {P}\nBetreff: Angebot für {O}",
      "Übersetze ins Englische: {F} kommt am Montag nach {C}.",
      "Wer ist {P}? Ich habe ihn auf einer Konferenz in {C} getroffen.",
      "Gratuliere {F} bitte in meinem Namen zum Geburtstag.",
      "Danke, {F}! Bis morgen in {C}.",
      // encyclopedia style
      "{P} (* 12. März 1948 in {C}; † 2019 in {C}) war ein deutscher Politiker.",
      "{P} ist eine österreichische Schriftstellerin.",
      "{P} war ein Schweizer Architekt, der vor allem in {C} wirkte.",
      "Der Hof gehörte im 17. Jahrhundert {P}.",
      "Zu seinen Schülern gehörten {P} und {P}.",
      "Das Stück wurde 1912 in {C} uraufgeführt, die Hauptrolle spielte {P}.",
      "Der Film von {P} lief 2019 im Wettbewerb.",
      "Er war mit der Sängerin {P} verheiratet.",
      "{P} wuchs in {C} auf und besuchte dort das Gymnasium.",
      "Benannt ist die Straße nach dem Dichter {P}.",
      // no names: capitalised German nouns, roles without a name, places and firms alone
      "Der Bürgermeister hat den Haushalt für das nächste Jahr vorgelegt.",
      "Die Kanzlerin reist morgen zu Gesprächen nach {K}.",
      "Der Trainer war mit der Leistung seiner Mannschaft nicht zufrieden.",
      "Die Fahrerin wurde mit leichten Verletzungen ins Krankenhaus gebracht.",
      "Im Norden der Stadt entsteht ein neues Wohngebiet.",
      "Dafür gibt es nach Ansicht der Opposition keinen Grund.",
      "Uns bleibt nur noch wenig Zeit.",
      "Dabei handelt es sich um einen alten Brauch aus dem Mittelalter.",
      "Die Wände der Halle sind grau gestrichen.",
      "Der Sprecher des Ministeriums wollte sich nicht äußern.",
      "Die Sitzung des Stadtrats beginnt um 18 Uhr im Rathaus.",
      "Die Gemeinde hat kaum mehr als 300 Einwohner.",
      "Kannst du mir ein Rezept für Apfelkuchen geben?",
      "Wie funktioniert eine Wärmepumpe?",
      "Schreib mir eine Einladung zur Weihnachtsfeier im Büro.",
      "Werkzeug und Schrauben lagen noch auf dem Tisch.",
      "Die Regierung hat am Dienstag neue Regeln für den Verkehr beschlossen.",
      "Der Bericht wurde von der Kommission geprüft und am Freitag veröffentlicht.",
      "Das Wetter bleibt am Wochenende sonnig und warm.",
      "Nach dem Spiel gab es heftige Kritik am Schiedsrichter.",
      "Die Preise für Strom und Gas sind im Winter deutlich gestiegen.",
      "Viele Schüler haben Angst vor der Prüfung in Mathematik.",
      "{O} will in {C} rund 500 neue Stellen schaffen.",
      "Die Zentrale von {O} liegt am Stadtrand von {C}.",
      "Der Zug von {C} nach {C} fällt heute aus.",
      // round 5b: more sentences without names, full of capitalised nouns, as German news and requests have them
      "Nach Angaben der Feuerwehr brach das Feuer im Keller des Wohnhauses aus.",
      "Die Arbeitslosigkeit ist im vergangenen Jahr leicht gesunken.",
      "Im Mittelpunkt der Debatte steht die Frage nach der Finanzierung der Rente.",
      "Der Verein sucht noch Helfer für das Sommerfest am Samstag.",
      "Die Ausstellung im Stadtmuseum ist bis Ende Oktober zu sehen.",
      "Wegen Bauarbeiten bleibt die Brücke bis Montag gesperrt.",
      "Ja, das Angebot gilt auch für Studenten und Rentner.",
      "Nein, die Lieferung kommt erst nächste Woche.",
      "Der Sieger erhält eine Urkunde und ein Preisgeld von 5000 Euro.",
      "Bitte formuliere die Kündigung meines Handyvertrags höflich.",
      "Erkläre mir den Unterschied zwischen Zinsen und Rendite.",
      "Die Mannschaft verlor das Heimspiel gegen den Tabellenletzten.",
      "Das Gericht wies die Klage der Anwohner ab.",
      "Der Umsatz des Konzerns stieg im dritten Quartal um vier Prozent.",
      "Das Museum zeigt Gemälde, Skulpturen und Fotografien aus drei Jahrhunderten.",
      "Bei dem Unfall auf der Autobahn wurden zwei Menschen verletzt.",
      "Der Schüleraustausch mit der Partnerstadt findet jedes Jahr im Mai statt.",
      "Die Kirche wurde im 14. Jahrhundert im gotischen Stil erbaut.",
      "Auf dem Markt gibt es frisches Gemüse, Obst und Käse aus der Region.",
      "Gott sei Dank ist niemand verletzt worden.",
      "Die Gewerkschaft fordert mehr Lohn und kürzere Arbeitszeiten.",
      "Der Wanderweg führt vom Tal hinauf zur Hütte am See.",
      "Kannst du mir ein Gedicht über den Herbst schreiben?",
      "Welche Unterlagen brauche ich für den Antrag auf Elterngeld?",
      // towns as German text writes them
      "Der Zug aus {C} hatte wieder Verspätung.",
      "Am Wochenende fahren wir nach {C}.",
      "Die Konferenz findet in diesem Jahr in {C} statt.",
      "{P} lebt seit 2008 in {C}.",
  };

  /**
   * Towns as German text writes them ({@code {C}} in German templates, one time in three): German, Austrian
   * and Swiss towns with their umlauts and the German names of foreign cities and regions ("Mailand",
   * "Wien"), which GeoNames' English names ("Milan", "Vienna") do not teach.
   */
  static final String[] CITIES = {
      "Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart", "Düsseldorf", "Leipzig",
      "Dortmund", "Essen", "Bremen", "Dresden", "Hannover", "Nürnberg", "Duisburg", "Bochum", "Wuppertal",
      "Bielefeld", "Bonn", "Münster", "Mannheim", "Karlsruhe", "Augsburg", "Wiesbaden", "Mönchengladbach",
      "Gelsenkirchen", "Braunschweig", "Aachen", "Kiel", "Chemnitz", "Halle (Saale)", "Magdeburg", "Freiburg im Breisgau",
      "Krefeld", "Lübeck", "Mainz", "Erfurt", "Rostock", "Kassel", "Saarbrücken", "Potsdam", "Osnabrück",
      "Göttingen", "Würzburg", "Regensburg", "Ingolstadt", "Ulm", "Heilbronn", "Pforzheim", "Wolfsburg",
      "Tübingen", "Konstanz", "Jena", "Gütersloh", "Fürth", "Bad Homburg", "Garmisch-Partenkirchen", "Lüneburg",
      "Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt", "Villach", "Wels", "St. Pölten", "Bregenz",
      "Zürich", "Genf", "Basel", "Bern", "Lausanne", "Winterthur", "Luzern", "St. Gallen", "Lugano", "Biel",
      "Mailand", "Rom", "Venedig", "Florenz", "Neapel", "Turin", "Prag", "Warschau", "Krakau", "Breslau",
      "Danzig", "Moskau", "Sankt Petersburg", "Kiew", "Athen", "Lissabon", "Brüssel", "Kopenhagen", "Den Haag",
      "Straßburg", "Bukarest", "Belgrad", "Sofia", "Peking", "Neu-Delhi", "Kairo", "Tokio", "Südtirol",
      "Bayern", "Sachsen", "Thüringen", "Niedersachsen", "Nordrhein-Westfalen", "Hessen", "Tirol", "Kärnten"};

  /** Roles and professions that stand as one capitalised noun before a name in German news ({@code {R}}). */
  static final String[] ROLES = {
      "Bürgermeister", "Oberbürgermeisterin", "Bundeskanzler", "Kanzlerin", "Ministerpräsident", "Innenminister",
      "Wirtschaftsminister", "Finanzministerin", "Staatssekretär", "Landrat", "Abgeordnete", "Senator", "Präsident",
      "Parteichef", "Fraktionschef", "Vorstandsvorsitzende", "Geschäftsführer", "Firmenchef", "Aufsichtsratschef",
      "Sprecher", "Sprecherin", "Pressesprecher", "Trainer", "Kapitän", "Stürmer", "Torhüter", "Schiedsrichter",
      "Regisseur", "Schauspielerin", "Sänger", "Dirigent", "Schriftsteller", "Dichter", "Autorin", "Maler",
      "Architekt", "Professor", "Historiker", "Therapeutin", "Anwalt", "Staatsanwältin", "Richter", "Pfarrer",
      "Bischof", "Kommissar", "Polizeisprecher", "Major", "General", "Arzt", "Chefarzt", "Intendant",
      "Amtsleiter", "Schulleiterin", "Rektor", "Nachfolgerin", "Kollege", "Sprecherin des Vereins",
      "Gewerkschaftschef", "Verteidigungsminister"};

  /** The genitive of a name as German writes it: "Schmidts", "Klaus'", "Marx'" ({@code {G}}). */
  static String genitive(String name) {
    char last = Character.toLowerCase(name.charAt(name.length() - 1));
    if (last == 's' || last == 'x' || last == 'z' || last == 'ß') {
      return name + "'";
    }
    return name.equals(name.toUpperCase(java.util.Locale.ROOT)) ? name + "S" : name + "s";
  }
}
