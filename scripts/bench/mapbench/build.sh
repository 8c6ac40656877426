#!/usr/bin/env bash
# Builds the read+map micro-benchmark into .bench/mapbench/mapbench (ExportCore, ExportFormats,
# Yams and ExportStages with -O -wmo; no sanitizers, no other module), then:
#   .bench/mapbench/mapbench PIPELINE.yaml FILE csv|ndjson     # FILE uncompressed
set -euo pipefail
cd "$(dirname "$0")/../../.."
[ -d .build/checkouts/Yams/Sources/Yams ] || swift package resolve >/dev/null
Y=.build/checkouts/Yams/Sources B=.bench/mapbench
mkdir -p $B/mods $B/obj
F=(-O -parse-as-library -swift-version 6 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature
    MemberImportVisibility -I $B/mods -Xcc -DYAML_DECLARE_STATIC -I $Y/CYaml/include -DSWIFT_PACKAGE -suppress-warnings -wmo)
for c in $Y/CYaml/src/*.c; do clang -O2 -DYAML_DECLARE_STATIC -I $Y/CYaml/include -c "$c" -o "$B/obj/$(basename "$c" .c).o"; done
module() { local name=$1; shift; swiftc "${F[@]}" -module-name "$name" -emit-module -emit-module-path "$B/mods/$name.swiftmodule" -c -o "$B/obj/$name.o" "$@"; }
module ExportCore Sources/ExportCore/*.swift
module ExportFormats Sources/ExportFormats/*.swift
module Yams $Y/Yams/*.swift
module ExportStages Sources/ExportStages/*.swift
swiftc -O -swift-version 5 -I $B/mods -Xcc -DYAML_DECLARE_STATIC -I $Y/CYaml/include -module-name mapbench \
    scripts/bench/mapbench/main.swift $B/obj/*.o -o $B/mapbench
echo "$B/mapbench"
