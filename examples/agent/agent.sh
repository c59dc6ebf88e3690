# A scripted stand-in for a coding agent (codex, claude, aider). It reads
# the brief on stdin, gets it wrong on attempt 1, and on attempt 2 reads
# $ORCHESTRATE_FEEDBACK (the failing test's output) and fixes it.
brief=$(cat)
echo "attempt $ORCHESTRATE_ATTEMPT of $ORCHESTRATE_TASK_ID; the brief starts: $(printf '%s\n' "$brief" | head -1)"
if [ -z "$ORCHESTRATE_FEEDBACK" ]; then
  echo 'echo "hello world"' > greet.sh
else
  wanted=$(sed -n "s/.*expected '\([^']*\)'.*/\1/p" "$ORCHESTRATE_FEEDBACK" | head -1)
  echo "the feedback says: expected '$wanted'"
  printf 'echo "%s"\n' "$wanted" > greet.sh
fi
