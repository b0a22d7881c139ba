// review14 reproduction: the request-level name pass (RequestNames) reads the original text, detection reads its view
// (DetectionText): a mention written with a zero-width space, a soft hyphen or full-width letters is found by whole-text
// detection but not by the request-level pass. Run: java -cp "veil-core/target/classes:$(cat cp.txt)" RequestNamesView.java
import io.veil.core.*;
import io.veil.core.ner.RequestNames;
import java.util.List;
public class RequestNamesView {
  public static void main(String[] a) throws Exception {
    Analyzer an = Policy.defaults().newAnalyzer();
    String first = "Please add Wiremu Tapsell to the audit team.";
    for (String later : new String[] {"What did Tapsell say?", "What did Tap\u200Bsell say?", "What did Tap\u00ADsell say?",
        "What did \uFF34\uFF41\uFF50\uFF53\uFF45\uFF4C\uFF4C say?", "What did Tapsell\u200B say?"}) {
      RequestNames rn = RequestNames.of(List.of(first, later), List.of(an.analyze(first), an.analyze(later)));
      List<Finding> ext = rn.extend(later, an.analyze(later));
      String whole = first + " " + later;
      List<Finding> w = an.analyze(whole);
      System.out.println(later.replace("\u200B", "<ZWSP>").replace("\u00AD", "<SHY>") + "\n   request-level: "
          + ext.stream().map(f -> f.type() + ":" + f.value(later)).toList()
          + "\n   whole text:    " + w.stream().filter(f -> f.start() > first.length()).map(f -> f.type() + ":" + f.value(whole)).toList());
    }
  }
}
