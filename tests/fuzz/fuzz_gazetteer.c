/*
 * fuzz_gazetteer - the gazetteer YAML loader (kz_gazetteer_load_files),
 * then, when the load succeeds, everything that reads the entries: the
 * role rules of rules/roles.yaml, the matcher over a text, role holders,
 * look-ups by id, code and demonym.
 *
 * Input: a gazetteer file; a line "#--" splits it into two files, so
 * duplicates across files are tried too. The text matched is the input
 * itself (UTF-8 repaired), so names it defines are found in it.
 */
#include "fuzz_common.h"

#include "gazetteer.h"
#include "roles.h"

static kz_folder *folder;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	/* the YAML loader, not the compiled cache (fuzz_gzcache has that):
	 * no image written per input */
	setenv("KZ_CACHE", "off", 1);
	folder = kz_folder_new();
	return 0;
}

static void
exercise(const kz_gazetteer *g, const uint8_t *data, size_t size)
{
	char path[PATH_MAX];
	kz_error err;
	kz_roles *roles;
	kz_buf text;
	kz_tokens t;
	size_t n = kz_gazetteer_size(g), holders[16];

	for (size_t i = 0; i < n; i++) {
		const kz_entry *e = kz_gazetteer_entry(g, i);

		if (kz_gazetteer_by_id(g, e->id) != e)
			fuzz_fail("entry not found by its id", NULL);
		if (e->code)
			kz_gazetteer_country(g, e->code);
		for (size_t k = 0; k < e->ndemonyms; k++) {
			char *key = kz_key_of(folder, e->demonyms[k], NULL);

			kz_gazetteer_demonym(g, key, strlen(key));
			free(key);
		}
		for (size_t k = 0; k < e->nroles; k++) {
			kz_gazetteer_holders(g, e->roles[k].title, e->roles[k].of,
			    e->roles[k].from ? e->roles[k].from : 20220101, 0,
			    holders, 16);
			kz_gazetteer_holders(g, e->roles[k].title, e->roles[k].of,
			    e->roles[k].to ? e->roles[k].to : 20220101, 1,
			    holders, 16);
		}
	}
	kz_buf_init(&text);
	fuzz_text(data, size, &text);
	kz_tokens_init(&t, folder, text.data, text.len);
	for (size_t i = 0; i < t.n; i++) {
		kz_match m;
		size_t got = kz_gazetteer_match_at(g, &t, i, &m);

		if (got) {
			if (m.tok_start != i || m.tok_end > t.n ||
			    m.tok_end - m.tok_start != got || m.ncands == 0)
				fuzz_fail("bad match", NULL);
			for (size_t c = 0; c < m.ncands; c++)
				if (m.cands[c].entry >= n || m.cands[c].surface >=
				    kz_gazetteer_entry(g, m.cands[c].entry)->nsurfaces)
					fuzz_fail("bad candidate", NULL);
		}
	}
	roles = kz_roles_load(fuzz_datapath(path, "rules/roles.yaml"), g, folder,
	    &err);
	if (roles) {
		size_t people[8], np = 0, nm;
		kz_mention *ms;

		for (size_t i = 0; i < n && np < 8; i++)
			if (strcmp(kz_gazetteer_entry(g, i)->type, "PER") == 0)
				people[np++] = i;
		ms = kz_roles_find(roles, &t, people, np, "RU", 20220301, &nm);
		for (size_t i = 0; i < nm; i++)
			if (ms[i].tok_start > ms[i].tok_end || ms[i].tok_end > t.n ||
			    ms[i].entry >= (long)n)
				fuzz_fail("bad mention", NULL);
		free(ms);
		kz_roles_free(roles);
	}
	kz_tokens_release(&t);
	kz_buf_release(&text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[PATH_MAX], b[PATH_MAX];
	const char *paths[2];
	const uint8_t *cut = NULL;
	size_t npaths = 1;
	kz_gazetteer *g;
	kz_error err;

	for (size_t i = 0; i + 4 <= size; i++)
		if (memcmp(data + i, "#--\n", 4) == 0 && (i == 0 || data[i - 1] == '\n')) {
			cut = data + i;
			break;
		}
	if (cut) {
		paths[0] = fuzz_write(a, "a.yaml", data, (size_t)(cut - data));
		paths[1] = fuzz_write(b, "b.yaml", cut + 4,
		    size - (size_t)(cut - data) - 4);
		npaths = 2;
	} else {
		paths[0] = fuzz_write(a, "a.yaml", data, size);
	}
	kz_error_clear(&err);
	g = kz_gazetteer_load_files(paths, npaths, folder, &err);
	if (g == NULL) {
		if (err.message[0] == '\0')
			fuzz_fail("load failed without a message", NULL);
		return 0;
	}
	exercise(g, data, size);
	kz_gazetteer_free(g);
	return 0;
}
