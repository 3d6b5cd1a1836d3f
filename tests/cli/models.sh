# Sourced by the CLI tests: the folder of tests/models/make_test_models.py's models.
#   M=$(test_models "$SRC" "$TMP/models") || exit 1
# Under ctest it is the one fixture.test_models made for the whole run (RNNSCOPE_TEST_MODELS);
# a script started by hand makes them into its second argument.
test_models() {
  local src=$1 out=$2
  if [ -n "${RNNSCOPE_TEST_MODELS:-}" ]; then
    if [ ! -f "$RNNSCOPE_TEST_MODELS/seq2seq.pt" ]; then
      echo "FAIL: RNNSCOPE_TEST_MODELS=$RNNSCOPE_TEST_MODELS holds no models: did fixture.test_models fail?" >&2
      return 1
    fi
    echo "$RNNSCOPE_TEST_MODELS"
    return 0
  fi
  if ! /usr/bin/python3 "$src/tests/models/make_test_models.py" "$out" >/dev/null; then
    echo "FAIL: tests/models/make_test_models.py failed (it needs Debian's python3-torch)" >&2
    return 1
  fi
  echo "$out"
}
