#!/bin/bash
# usage: eval.sh CORE_CLASSES_DIR OUT.json
W=/work/wt/names8
export PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
D=/work/shared/data; H=/tmp/ner-heldout
nice java --sun-misc-unsafe-memory-access=allow -XX:ActiveProcessorCount=1 -cp "$1:$W/veil-cli/target/veil-cli-0.1.0-SNAPSHOT.jar:$(cat $W/veil-cli/target/classpath.txt)" io.veil.cli.VeilCli \
  eval --json --ner model --types PERSON,LOCATION,ORGANIZATION,ADDRESS \
  --data $D/presidio_synth_v2/eval.jsonl --data $D/presidio_generated_large/eval.jsonl \
  --data $H/btc-heldout.jsonl --data $H/wnut17-heldout.jsonl --data $H/germeval2014-heldout.jsonl \
  --data $H/meddocan-heldout.jsonl --data $H/europeana_fr_nl-heldout.jsonl > $2 2>$2.err
