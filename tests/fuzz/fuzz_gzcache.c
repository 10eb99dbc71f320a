/*
 * fuzz_gzcache - the compiled gazetteer cache (gazcache.h, gazimage.h): a
 * cache file that is corrupted, truncated or forged must never crash kz,
 * and a damaged one must be detected and rebuilt, never trusted.
 *
 * Set-up (once): a small gazetteer (persons with dated roles, countries
 * with codes and demonyms, a city with dated names, an organisation with
 * acronyms) in a scratch folder; its answers computed without the cache
 * (the reference); then one load through a private cache folder, which
 * writes the image this target then tampers with.
 *
 * Input: one flag byte, then the bytes put in place of the cache image.
 *   bit 0  copy the magic, version, byte order, key, file count and size
 *          of the good image into the input's header (so the input gets
 *          past "compiled from other sources")
 *   bit 1  recompute the block checksums and the header checksum (a forged
 *          image: it passes every checksum and reaches the readers, whose
 *          bounds checks are then all that stands)
 * Without bit 1 any change is damage the checksums must catch: the load
 * and every query answer exactly as the reference, and once
 * kz_gazetteer_verify has run the cache file is the good image again.
 * With bit 1, nothing may crash, hang or read out of bounds.
 */
#include "fuzz_common.h"

#include "gazetteer.h"
#include "gazimage.h"

static const char source[] =
"- id: vladimir-poutine\n"
"  type: PER\n"
"  name: Vladimir Poutine\n"
"  gender: m\n"
"  nationality: RU\n"
"  variants: [Poutine, Putin, {name: V. Poutine, from: 2000}]\n"
"  roles:\n"
"    - {title: président, of: RU, from: 2000-05-07, to: 2008-05-07}\n"
"    - {title: président, of: RU, from: 2012-05-07}\n"
"    - {title: premier ministre, of: RU, from: 2008-05-08, to: 2012-05-07}\n"
"- id: dmitri-medvedev\n"
"  type: PER\n"
"  name: Dmitri Medvedev\n"
"  gender: m\n"
"  variants: [Medvedev]\n"
"  roles:\n"
"    - {title: président, of: RU, from: 2008-05-07, to: 2012-05-07}\n"
"- id: kassym-jomart-tokaiev\n"
"  type: PER\n"
"  name: Kassym-Jomart Tokaïev\n"
"  preferred: Kassym-Jomart Tokaïev\n"
"  gender: m\n"
"  variants: [Tokaïev, Tokayev]\n"
"  roles:\n"
"    - {title: président, of: KZ, from: 2019-03-20}\n"
"- id: russie\n"
"  type: LOC\n"
"  name: Russie\n"
"  kind: country\n"
"  code: RU\n"
"  capital: moscou\n"
"  demonyms: [russe, russes]\n"
"  variants: [Fédération de Russie]\n"
"- id: kazakhstan\n"
"  type: LOC\n"
"  name: Kazakhstan\n"
"  kind: country\n"
"  code: KZ\n"
"  capital: astana\n"
"  demonyms: [kazakh, kazakhe, kazakhs, kazakhes]\n"
"- id: astana\n"
"  type: LOC\n"
"  name: Astana\n"
"  kind: city\n"
"  country: KZ\n"
"  variants: [{name: Nour-Soultan, from: 2019-03-23, to: 2022-09-17}]\n"
"- id: otan\n"
"  type: ORG\n"
"  name: Organisation du traité de l'Atlantique nord\n"
"  kind: international\n"
"  acronyms: [OTAN, NATO]\n";

static const char probe[] =
"Vladimir Poutine et Dmitri Medvedev à Astana, alias Nour-Soultan. "
"Poutine, PUTIN, putin, V. Poutine. Le président russe et les Kazakhs. "
"L'OTAN et l'Organisation du traité de l'Atlantique nord. Tokayev, "
"Kassym-Jomart Tokaïev, la Fédération de Russie, le Kazakhstan.";

static kz_folder *folder;
static char src_path[PATH_MAX], cache_dir[PATH_MAX], image_path[PATH_MAX];
static kz_buf reference;        /* the answers without the cache */
static kz_buf good;             /* the good image's bytes */

/* Everything a user of the gazetteer can ask, written out as text. */
static void
answers(const kz_gazetteer *g, kz_buf *out)
{
	static const char *const ids[] = { "vladimir-poutine", "russie",
	    "astana", "otan", "nobody", NULL };
	static const char *const codes[] = { "RU", "KZ", "FR", NULL };
	static const char *const dems[] = { "russe", "kazakhs", "francais",
	    NULL };
	static const int32_t dates[] = { 20050101, 20100101, 20200101, 0 };
	size_t n = kz_gazetteer_size(g), holders[8], nh;
	kz_tokens t;

	kz_buf_reset(out);
	kz_buf_addf(out, "%zu entries\n", n);
	for (size_t i = 0; i < n; i++) {
		const kz_entry *e = kz_gazetteer_entry(g, i);

		kz_buf_addf(out, "%s|%s|%s|%s|%s|%s|%s|%c|", e->id, e->type,
		    e->name, e->preferred ? e->preferred : "-",
		    e->kind ? e->kind : "-", e->code ? e->code : "-",
		    e->country ? e->country : "-", e->gender ? e->gender : '-');
		for (size_t k = 0; k < e->nsurfaces; k++)
			kz_buf_addf(out, "[%s %s %x %zu %d %d %d]",
			    e->surfaces[k].text, e->surfaces[k].key,
			    (unsigned)e->surfaces[k].caps, e->surfaces[k].ntokens,
			    (int)e->surfaces[k].from, (int)e->surfaces[k].to,
			    e->surfaces[k].acronym);
		for (size_t k = 0; k < e->nroles; k++)
			kz_buf_addf(out, "(%s %s %d %d)", e->roles[k].title,
			    e->roles[k].of ? e->roles[k].of : "-",
			    (int)e->roles[k].from, (int)e->roles[k].to);
		for (size_t k = 0; k < e->ndemonyms; k++)
			kz_buf_addf(out, "<%s>", e->demonyms[k]);
		kz_buf_addc(out, '\n');
	}
	for (size_t i = 0; ids[i]; i++) {
		const kz_entry *e = kz_gazetteer_by_id(g, ids[i]);

		kz_buf_addf(out, "id %s: %s\n", ids[i], e ? e->name : "-");
	}
	for (size_t i = 0; codes[i]; i++) {
		const kz_entry *e = kz_gazetteer_country(g, codes[i]);

		kz_buf_addf(out, "code %s: %s\n", codes[i], e ? e->id : "-");
	}
	for (size_t i = 0; dems[i]; i++) {
		const kz_entry *e = kz_gazetteer_demonym(g, dems[i],
		    strlen(dems[i]));

		kz_buf_addf(out, "demonym %s: %s\n", dems[i], e ? e->id : "-");
	}
	for (size_t d = 0; dates[d]; d++)
		for (int former = 0; former < 2; former++) {
			nh = kz_gazetteer_holders(g, "président", "RU", dates[d],
			    former, holders, 8);
			kz_buf_addf(out, "holders %d %d:", (int)dates[d], former);
			for (size_t k = 0; k < nh; k++)
				kz_buf_addf(out, " %zu", holders[k]);
			kz_buf_addc(out, '\n');
		}
	kz_tokens_init(&t, folder, probe, strlen(probe));
	for (size_t i = 0; i < t.n; i++) {
		kz_match m;
		size_t got = kz_gazetteer_match_at(g, &t, i, &m);

		if (got == 0)
			continue;
		kz_buf_addf(out, "match %zu-%zu:", m.tok_start, m.tok_end);
		for (size_t c = 0; c < m.ncands; c++)
			kz_buf_addf(out, " %u/%u", (unsigned)m.cands[c].entry,
			    (unsigned)m.cands[c].surface);
		kz_buf_addc(out, '\n');
	}
	kz_tokens_release(&t);
}

static kz_gazetteer *
load(void)
{
	const char *paths[] = { src_path };
	char msg[1024];
	kz_error err;
	kz_gazetteer *g = kz_gazetteer_load_files(paths, 1, folder, &err);

	if (g == NULL) {
		kz_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "fuzz_gzcache: the gazetteer does not load: %s\n",
		    msg);
		abort();
	}
	return g;
}

/* Write the good image into the first corpus folder libFuzzer was given,
 * so fuzzing starts from an image of this build's format and key. */
static void
seed_corpus(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		char path[PATH_MAX];
		FILE *f;

		if (argv[i][0] == '-' || stat(argv[i], &st) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		for (int flags = 0; flags < 4; flags++) {
			snprintf(path, sizeof path, "%s/good-image-%d", argv[i], flags);
			if ((f = fopen(path, "wb")) == NULL)
				return;
			fputc(flags, f);
			fwrite(good.data, 1, good.len, f);
			fclose(f);
		}
		return;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[PATH_MAX];
	kz_gazetteer *g;
	const char *file;
	kz_buf again;

	folder = kz_folder_new();
	snprintf(dir, sizeof dir, "%s/src", fuzz_tmpdir());
	mkdir(dir, 0700);
	fuzz_write(src_path, "src/gazetteer.yaml", (const uint8_t *)source,
	    sizeof source - 1);
	snprintf(cache_dir, sizeof cache_dir, "%s/cache", fuzz_tmpdir());
	kz_buf_init(&reference);
	kz_buf_init(&good);
	kz_buf_init(&again);
	/* the reference, without the cache */
	kz_gazetteer_cache(0, NULL);
	g = load();
	answers(g, &reference);
	kz_gazetteer_free(g);
	/* through the cache: compiled and written, then mapped */
	kz_gazetteer_cache(1, cache_dir);
	g = load();
	file = kz_gazetteer_cache_file(g);
	if (file == NULL) {
		fprintf(stderr, "fuzz_gzcache: no cache file written: %s\n",
		    kz_gazetteer_origin(g));
		abort();
	}
	snprintf(image_path, sizeof image_path, "%s", file);
	kz_gazetteer_free(g);
	g = load();
	answers(g, &again);
	if (strcmp(again.data, reference.data) != 0) {
		fprintf(stderr, "fuzz_gzcache: the cached gazetteer answers"
		    " otherwise than the YAML\n");
		abort();
	}
	kz_gazetteer_free(g);
	kz_buf_release(&again);
	fuzz_slurp(image_path, &good);
	seed_corpus(*argc, *argv);
	return 0;
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Recompute every checksum of img (when its block table is laid out as
 * the format says; otherwise leave it). */
static void
forge_checksums(unsigned char *img, size_t size)
{
	uint32_t blocks, nblocks;
	kz_xxh64_state st;

	if (size < KZ_GAZIMAGE_HEADER)
		return;
	blocks = get32(img + KZ_H_BLOCKS);
	nblocks = get32(img + KZ_H_NBLOCKS);
	if (blocks < KZ_GAZIMAGE_HEADER || blocks > size ||
	    (size - blocks) / 8 < nblocks)
		return;
	for (uint32_t b = 0; b < nblocks; b++) {
		size_t start = KZ_GAZIMAGE_HEADER + ((size_t)b << KZ_GAZIMAGE_BLOCK_SHIFT);
		size_t end = start + KZ_GAZIMAGE_BLOCK;

		if (start > blocks)
			break;
		if (end > blocks)
			end = blocks;
		put64(img + blocks + 8 * (size_t)b,
		    kz_xxh64(img + start, end - start, b));
	}
	put64(img + KZ_H_SUM, 0);
	kz_xxh64_init(&st, 0);
	kz_xxh64_update(&st, img, KZ_GAZIMAGE_HEADER);
	kz_xxh64_update(&st, img + blocks, (size_t)nblocks * 8);
	put64(img + KZ_H_SUM, kz_xxh64_digest(&st));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;
	unsigned char *img;
	kz_gazetteer *g;
	kz_buf got, file;
	char path[PATH_MAX];

	if (size < 1)
		return 0;
	flags = data[0];
	data++, size--;
	img = kz_malloc(size ? size : 1);
	memcpy(img, data, size);
	if ((flags & 1) && size >= KZ_GAZIMAGE_HEADER) {
		memcpy(img + KZ_H_MAGIC, good.data + KZ_H_MAGIC, 24);
		put64(img + KZ_H_SIZE, size);
		memcpy(img + KZ_H_KEY, good.data + KZ_H_KEY, 8);
		memcpy(img + KZ_H_BLOCKSHIFT, good.data + KZ_H_BLOCKSHIFT, 4);
		memcpy(img + KZ_H_NFILES, good.data + KZ_H_NFILES, 4);
	}
	if (flags & 2)
		forge_checksums(img, size);
	/* in place of the slot's image; the stamp still vouches for the
	 * sources, so the image is what decides */
	snprintf(path, sizeof path, "%s.fuzz", image_path);
	fuzz_write_path(path, img, size);
	if (rename(path, image_path) != 0)
		abort();
	kz_buf_init(&got);
	g = load();
	answers(g, &got);
	if (!(flags & 2) && strcmp(got.data, reference.data) != 0) {
		fprintf(stderr, "%s\n---- want\n%s", got.data, reference.data);
		fuzz_fail("a damaged cache was trusted: answers differ", NULL);
	}
	kz_gazetteer_verify(g);
	answers(g, &got);
	if (!(flags & 2) && strcmp(got.data, reference.data) != 0)
		fuzz_fail("answers differ after kz_gazetteer_verify", NULL);
	kz_gazetteer_free(g);
	if (!(flags & 2)) {
		/* detected and rebuilt: the cache holds the good image again */
		kz_buf_init(&file);
		fuzz_slurp(image_path, &file);
		if (file.len != good.len || memcmp(file.data, good.data,
		    good.len) != 0)
			fuzz_fail("a damaged cache image was not rebuilt", NULL);
		kz_buf_release(&file);
	}
	kz_buf_release(&got);
	free(img);
	return 0;
}
