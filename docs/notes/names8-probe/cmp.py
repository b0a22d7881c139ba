import json,sys
runs=[(a,json.load(open(a))) for a in sys.argv[1:]]
sets=[d['name'].split('/')[-1].replace('eval.jsonl', d['name'].split('/')[-2]) for d in runs[0][1]['datasets']]
for i,s in enumerate(sets):
  for t in ['PERSON','LOCATION','ORGANIZATION','ADDRESS','LOCATION+ADDRESS']:
    row=[]
    for name,r in runs:
      d=r['datasets'][i]
      e=d['entities'].get(t) or d.get('groups',{}).get(t)
      if not e: continue
      row.append("%.3f/%.3f/%.3f lk%d" % (e['precision'],e['recall'],e['f1'],e['leaked']))
    if row: print("%-28s %-16s %s" % (s[:28],t," | ".join(row)))
  print("%-28s leak_rate %s" % (s[:28], " | ".join(str(r['datasets'][i].get('leak_rate')) for _,r in runs)))
