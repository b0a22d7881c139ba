# Adversarial chat requests for scripts/perf/AbRequestNames.java (review14): names in several scripts, German
# genitives, Spanish sentence starts, e-mail local parts, handles, paths, caseless and upper-case text, empty and
# one-text requests, texts repeated up to 400 times. Usage: python3 adversarial-requests.py OUT.jsonl
import json, random
random.seed(14)
names = ["Wiremu Tapsell","Jane Okafor","Jürgen Müller","Иван Петров","José García","Sean O'Brien","Martin Luther",
         "Maria Hale","Anna Schmidt","Ketterer Hans","Mehmet Öztürk","Ayşe Yılmaz","Nguyễn Văn An","Dimitra Papadopoulou",
         "Michael Jordan","Paris Hilton","Grace Baker","Young Kim","İbrahim Çelik","Zoë Ångström"]
def parts(n): return [w for w in n.replace("'", " ").split() if len(w) >= 3] + [n.split()[-1]]
templates_first = ["Please add {n} to the audit team.", "Sehr geehrter Herr {n}, wir schreiben Ihnen heute.",
  "Estimado {n}, le escribimos sobre la reunión.", "Dear Ms. {n}, thanks for the call.", "{n} <{e}> wrote this.",
  "Письмо от {n} пришло вчера.", "my name is {n} and i need help", "MY NAME IS {N}", "Contact: {n}, Berlin"]
templates_later = ["What did {p} say?", "Wir lesen heute {p}s Bericht und die Notizen.", "{p} no vino a la reunión.",
  "mail {el}@example.com now", "ask @{p} on slack", "the {p} report", "{P} AGAIN", "{pl} said hi", "",
  "Thanks, {p}.", "{p}'s account is locked.", "ping {p}-team or {p}_bot", "Что сказал {p}?", "{p}", "  ",
  "in {p} we trust", "王伟和{p}见面了", "See https://example.com/{p}/x and C:\\{p}\\y", "{p}.{p2}@corp.example"]
out = []
for i in range(1500):
    k = random.choice([0,1,1,2,2,3,5])
    msgs = []
    for j in range(k):
        n = random.choice(names); ps = parts(n); p = random.choice(ps); p2 = random.choice(ps)
        if j == 0 or random.random() < 0.3:
            t = random.choice(templates_first).format(n=n, N=n.upper(), e=(n.split()[0]+"."+n.split()[-1]).lower()+"@x.org")
        else:
            t = random.choice(templates_later).format(p=p, P=p.upper(), pl=p.lower(), el=p.lower(), p2=p2)
        if random.random() < 0.1:
            t = (t + " ") * random.randint(50, 400)
        msgs.append({"role": random.choice(["user","assistant","system"]), "content": t})
    out.append(json.dumps({"model": "m", "messages": msgs}, ensure_ascii=False))
open(__import__("sys").argv[1],"w").write("\n".join(out)+"\n")
