out=$(sh greet.sh)
[ "$out" = "hello, world" ] || { echo "expected 'hello, world', got '$out'"; exit 1; }
