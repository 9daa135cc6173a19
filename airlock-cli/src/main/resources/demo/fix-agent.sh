#!/bin/bash
# The demo's scripted agent. It runs inside the sandbox, in /workspace, with the task as a file.
set -u
echo "agent: task: $(head -c 500 "$AIRLOCK_TASK_FILE")"
echo "agent: running the test before the fix"
sh ./test.sh || true
echo "agent: fixing calc.sh"
sed -i 's/\$1 - \$2/$1 + $2/' calc.sh
echo "agent: running the test after the fix"
sh ./test.sh
