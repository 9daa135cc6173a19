#!/bin/sh
. ./calc.sh
got=$(add 2 3)
if [ "$got" != 5 ]; then
  echo "FAIL: add 2 3 printed $got, expected 5"
  exit 1
fi
echo "PASS: add 2 3 = 5"
