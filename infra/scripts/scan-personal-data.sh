#!/usr/bin/env bash
# Fails when any file under FOLDER (the services' logs of a test run) holds a contact detail the tests give booking:
# the names and phone numbers of Tests/Support/TestContacts.swift. Logs carry ids and counts, never contact details.
#   scan-personal-data.sh FOLDER
set -euo pipefail
folder=${1:?usage: scan-personal-data.sh FOLDER}
markers=(13800000000 13800000001 13912345678 13700001234 张三 李老师 王小明 王老师 隐私测试员)
files=$(find "$folder" -type f | wc -l)
found=0
for marker in "${markers[@]}"; do
    if grep -rlF -- "$marker" "$folder" >/dev/null 2>&1; then
        echo "contact detail '$marker' found in service logs:" >&2
        grep -rnF -- "$marker" "$folder" | head -n 5 | cut -c1-300 >&2
        found=1
    fi
done
[ "$found" -eq 0 ] || exit 1
echo "no contact detail in $files service logs" >&2
