# The examples of README.md and docs/*.md run as written and print what
# the pages show (issue 18; tests/readme/check-readme says how).

t_readme_examples() {
	"$HERE/../readme/check-readme" --bin "$BIN"
}
