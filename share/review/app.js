// kz-review's page script (share/review/app.js, compiled into kz-review).
//
// The queue comes from /api/queue, one item with its article from
// /api/item, decisions go to /api/decide with the page's CSRF token and
// the version of the item as it was shown (a decision made meanwhile by
// someone else comes back as 409, and the page shows it). In `c` mode the
// editor may also fix a quote's words: select them in the article and
// press `s`, or move the start and end with [ ] { }; offsets are code
// points of the article's text, as in the kz/1 stream. Every text from
// the results is put in with textContent: nothing in an article can become
// markup or script.
'use strict';
(function () {
	const $ = (id) => document.getElementById(id);
	const csrf = document.querySelector('meta[name="kz-csrf"]').content;
	const filters = { rule: '', severity: '', article: '', speaker: '', q: '' };
	let items = [];         // the queue as filtered, worst first
	let pos = 0;            // the item shown
	let current = null;     // its details (/api/item)
	const done = [];        // keys decided here, for undo
	let busy = false;
	let fix = null;         // in `c` mode on a quote: {start, end} of its words
	let pieces = new WeakMap();     // article text node -> {start, cps} it shows

	const keyOf = (it) => [it.article, it.rule, it.start, it.end].join('\u0000');

	function status(msg, bad) {
		$('status').textContent = msg || '';
		$('status').className = bad ? 'bad' : '';
	}

	async function api(path, body) {
		const opt = { credentials: 'same-origin' };
		if (body) {
			opt.method = 'POST';
			opt.headers = { 'Content-Type': 'application/json', 'X-KZ-CSRF': csrf };
			opt.body = JSON.stringify(body);
		}
		const r = await fetch(path, opt);
		let json = null;
		try { json = await r.json(); } catch (e) { json = null; }
		return { status: r.status, body: json };
	}

	function setProgress(p) {
		$('reviewed').textContent = p.reviewed;
		$('left').textContent = p.left;
		$('bar').max = Math.max(p.total, 1);
		$('bar').value = p.reviewed;
		document.body.dataset.reviewed = p.reviewed;
		document.body.dataset.left = p.left;
	}

	function fillFacets(facets) {
		for (const sel of document.querySelectorAll('select[data-filter]')) {
			const name = sel.dataset.filter;
			const keep = filters[name];
			while (sel.options.length > 1)
				sel.remove(1);
			for (const v of facets[name] || []) {
				const o = document.createElement('option');
				o.value = v;
				o.textContent = visible(v);
				sel.appendChild(o);
			}
			sel.value = keep;
		}
	}

	async function loadQueue(keepKey) {
		const p = new URLSearchParams();
		for (const k in filters)
			if (filters[k])
				p.set(k, filters[k]);
		const r = await api('/api/queue?' + p.toString());
		if (r.status !== 200)
			return status((r.body && r.body.error) || 'the queue could not be read', true);
		items = r.body.items;
		setProgress(r.body);
		fillFacets(r.body.facets);
		$('shown').textContent = r.body.shown === r.body.total ? '' :
			'(' + r.body.shown + ' shown)';
		let i = keepKey ? items.findIndex((it) => keyOf(it) === keepKey) : -1;
		if (i < 0)
			i = items.findIndex((it) => it.state === 'open');
		pos = i < 0 ? 0 : i;
		await show();
	}

	// Controls, bidi overrides and other invisible characters shown as
	// visible marks, so an article cannot reorder or hide what is shown.
	function visible(s) {
		return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
			(c) => c.charCodeAt(0) < 0x20 ? String.fromCharCode(0x2400 + c.charCodeAt(0)) :
				'\u27e6U+' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') + '\u27e7');
	}

	// The article with its spans lit: code point offsets, cut where any
	// span starts or ends; each piece gets the classes of the spans over it.
	// Each text node is remembered with the code points it shows, so that a
	// selection maps back to offsets (visible() may show one as several).
	function renderArticle(text, spans, noScroll) {
		const art = $('article');
		const cps = Array.from(text || '');
		const cuts = new Set([0, cps.length]);
		art.textContent = '';
		pieces = new WeakMap();
		for (const s of spans) {
			cuts.add(Math.min(s.start, cps.length));
			cuts.add(Math.min(s.end, cps.length));
		}
		const at = [...cuts].sort((a, b) => a - b);
		let first = null;
		for (let i = 0; i + 1 < at.length; i++) {
			const a = at[i], b = at[i + 1];
			const piece = cps.slice(a, b).join('');
			const cls = spans.filter((s) => s.start <= a && b <= s.end && s.start < s.end)
				.map((s) => 'hl-' + s.kind);
			const node = document.createTextNode(visible(piece));
			pieces.set(node, { start: a, cps: cps.slice(a, b) });
			if (!cls.length) {
				art.appendChild(node);
				continue;
			}
			const e = document.createElement('span');
			e.className = [...new Set(cls)].join(' ');
			e.appendChild(node);
			art.appendChild(e);
			if (!first && cls.includes('hl-item'))
				first = e;
		}
		if (first && !noScroll)
			first.scrollIntoView({ block: 'center' });
	}

	function drawArticle(noScroll) {
		if (!current)
			return;
		const spans = fix ? current.spans.concat([{ start: fix.start, end: fix.end, kind: 'fix' }]) :
			current.spans;
		renderArticle(current.article_text, spans, noScroll);
	}

	// A selection's boundary (node, offset) as a code point of the text.
	function pointAt(node, offset) {
		const art = $('article');
		if (!art.contains(node))
			return null;
		const info = pieces.get(node);
		if (info) {
			let shown = 0, i = 0;
			while (i < info.cps.length && shown < offset)
				shown += visible(info.cps[i++]).length;
			return info.start + i;
		}
		// an element: the point is before its child at offset
		const walk = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
		let last = null;
		for (let t = walk.nextNode(); t; t = walk.nextNode()) {
			const p = pieces.get(t);
			if (!p)
				continue;
			if (offset < node.childNodes.length &&
				(node.childNodes[offset] === t || node.childNodes[offset].contains(t)))
				return p.start;
			last = p;
		}
		return last ? last.start + last.cps.length : 0;
	}

	// The words selected in the article, without the spaces and quotation
	// marks around them; null when nothing in the article is selected.
	function selectedSpan() {
		const sel = window.getSelection();
		if (!sel || !sel.rangeCount || sel.isCollapsed)
			return null;
		const r = sel.getRangeAt(0);
		let start = pointAt(r.startContainer, r.startOffset);
		let end = pointAt(r.endContainer, r.endOffset);
		if (start === null || end === null)
			return null;
		const cps = Array.from(current.article_text);
		const edge = /[\s«»“”„"‹›]/u;
		while (start < end && edge.test(cps[start]))
			start++;
		while (end > start && edge.test(cps[end - 1]))
			end--;
		return start < end ? { start: start, end: end } : null;
	}

	function showFix() {
		const box = $('span-box');
		box.hidden = !fix;
		document.body.dataset.fix = fix ? fix.start + '-' + fix.end : '';
		if (!fix)
			return;
		$('span-at').textContent = fix.start + '–' + fix.end;
		$('span-text').textContent = visible(Array.from(current.article_text)
			.slice(fix.start, fix.end).join(''));
		drawArticle(true);
	}

	// `s` and the nudge keys and buttons of `c` mode.
	function fixSpan(how) {
		if (!fix || !current)
			return;
		const n = Array.from(current.article_text).length;
		if (how === 'selection') {
			const sel = selectedSpan();
			if (!sel)
				return status('select the quote\'s words in the article first', true);
			fix = sel;
			window.getSelection().removeAllRanges();
		} else if (how === 'reset') {
			fix = { start: current.start, end: current.end };
		} else {
			const m = /^(start|end)([+-]1)$/.exec(how);
			const f = { start: fix.start, end: fix.end };
			f[m[1]] += Number(m[2]);
			if (f.start < 0 || f.end > n || f.start >= f.end)
				return;
			fix = f;
		}
		status('');
		showFix();
	}

	// Words of a and b that the other does not have, in order (a longest
	// common subsequence over words, case and punctuation aside).
	function wordDiff(a, b) {
		const split = (s) => s.split(/(\s+)/).filter((w) => w !== '');
		const norm = (w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
		const A = split(a), B = split(b);
		const wa = A.map(norm), wb = B.map(norm);
		const n = A.length, m = B.length;
		const L = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
		for (let i = n - 1; i >= 0; i--)
			for (let j = m - 1; j >= 0; j--)
				L[i][j] = wa[i] === wb[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
		const ka = new Array(n).fill(false), kb = new Array(m).fill(false);
		for (let i = 0, j = 0; i < n && j < m;) {
			if (wa[i] === wb[j]) { ka[i++] = true; kb[j++] = true; }
			else if (L[i + 1][j] >= L[i][j + 1]) i++;
			else j++;
		}
		const mark = (words, kept, into) => {
			into.textContent = '';
			words.forEach((w, i) => {
				if (kept[i] || /^\s+$/.test(w) || norm(w) === '') {
					into.appendChild(document.createTextNode(visible(w)));
				} else {
					const e = document.createElement('mark');
					e.className = 'diff';
					e.textContent = visible(w);
					into.appendChild(e);
				}
			});
		};
		mark(A, ka, $('diff-a'));
		mark(B, kb, $('diff-b'));
	}

	function describe(d) {
		if (d.kind === 'quote')
			return 'Attributed to ' + (d.speaker || 'nobody') + ' (found by ' +
				(d.via || '?') + '): is that who said it?';
		return d.message || d.rule;
	}

	function renderState(d) {
		const st = $('state');
		st.textContent = d.state === 'open' ? 'open' : d.state +
			(d.correction ? ': ' + visible(d.correction) : '') +
			(d.span_start !== null && d.span_start !== undefined ?
				' (quote ' + d.span_start + '–' + d.span_end + ')' : '');
		st.className = 'state st-' + d.state;
		$('decided').textContent = d.state === 'open' ? '' :
			'decided by ' + visible(d.editor || 'someone') + ' at ' + (d.time || '') +
			(d.note ? ' — note: ' + visible(d.note) : '');
	}

	function render(d) {
		$('item').hidden = false;
		$('empty').hidden = true;
		$('pos').textContent = (pos + 1) + ' / ' + items.length;
		$('severity').textContent = d.severity;
		$('severity').className = 'badge sev-' + d.severity;
		$('rule').textContent = d.rule;
		$('where').textContent = visible(d.article) + ' · ' + visible(d.file) + ':' + d.line;
		$('message').textContent = visible(describe(d));
		renderState(d);
		$('note').value = d.note || '';
		const ev = d.spans.find((s) => s.kind === 'evidence');
		$('diff').hidden = !(d.rule === 'misquote' && ev && ev.text);
		if (!$('diff').hidden)
			wordDiff(d.text || '', ev.text);
		const dl = $('people');
		dl.textContent = '';
		for (const name of d.people) {
			const o = document.createElement('option');
			o.value = name;
			dl.appendChild(o);
		}
		$('correct').hidden = true;
		fix = null;
		showFix();
		renderArticle(d.article_text, d.spans);
		document.body.dataset.item = keyOf(d);
	}

	async function show() {
		if (!items.length) {
			current = null;
			$('item').hidden = true;
			$('empty').hidden = false;
			document.body.dataset.ready = '1';
			return;
		}
		const it = items[pos];
		const r = await api('/api/item?' + new URLSearchParams({
			article: it.article, rule: it.rule, start: it.start, end: it.end }).toString());
		if (r.status !== 200)
			return status((r.body && r.body.error) || 'the item could not be read', true);
		current = r.body;
		Object.assign(items[pos], current);
		render(current);
		document.body.dataset.ready = '1';
	}

	async function decide(verdict, speaker, span) {
		if (!current || busy)
			return;
		busy = true;
		const d = current;
		const body = {
			article: d.article, rule: d.rule, start: d.start, end: d.end,
			hash: d.hash, version: d.version, verdict: verdict,
			note: $('note').value, editor: $('editor').value, speaker: speaker || null };
		if (span) {
			body.span_start = span.start;
			body.span_end = span.end;
		}
		const r = await api('/api/decide', body);
		busy = false;
		if (r.status === 200 || r.status === 409) {
			setProgress(r.body);
			Object.assign(d, r.body.item);
			Object.assign(items[pos], r.body.item);
			renderState(d);
		}
		if (r.status !== 200)
			return status((r.body && r.body.error) || 'refused (' + r.status + ')', true);
		if (verdict === 'undo') {
			status(r.body.undone ? 'undone' : 'nothing to undo');
			return;
		}
		done.push(keyOf(d));
		status(verdict + (speaker ? ': ' + speaker : '') +
			(span ? ' (quote ' + span.start + '–' + span.end + ')' : '') + ' saved');
		if (pos + 1 < items.length) {
			pos++;
			await show();
		}
	}

	// Undo the item shown when it has a decision, else the last one decided
	// on this page (going back to it).
	async function undo() {
		let key = current && current.state !== 'open' ? keyOf(current) : done.pop();
		if (!key)
			return status('nothing to undo');
		if (done.length && done[done.length - 1] === key)
			done.pop();
		const i = items.findIndex((it) => keyOf(it) === key);
		if (i < 0)
			return status('that item is not in the queue shown');
		pos = i;
		await show();
		await decide('undo');
	}

	function move(step) {
		if (!items.length)
			return;
		pos = Math.min(Math.max(pos + step, 0), items.length - 1);
		show();
	}

	// c: the speaker field, and for a quote its words as they stand (the
	// span corrected before, or the one in the results) to fix.
	function openCorrect() {
		if (!current)
			return;
		$('correct').hidden = false;
		$('speaker').value = current.correction || current.speaker || '';
		fix = null;
		if (current.kind === 'quote') {
			const item = current.spans.find((s) => s.kind === 'item');
			fix = current.span_start !== null && current.span_start !== undefined ?
				{ start: current.span_start, end: current.span_end } :
				item ? { start: item.start, end: item.end } :
					{ start: current.start, end: current.end };
		}
		showFix();
		$('speaker').focus();
		$('speaker').select();
	}

	function closeCorrect() {
		$('correct').hidden = true;
		if (fix) {
			fix = null;
			showFix();
			drawArticle(true);
		}
	}

	// Save what `c` mode holds: the speaker, and the span when it is not
	// the one kz found (the item's key).
	function saveCorrect() {
		const name = $('speaker').value.trim();
		const span = fix && (fix.start !== current.start || fix.end !== current.end) ? fix : null;
		if (!name && !span)
			return status('type or choose the speaker, or fix the quote\'s words', true);
		$('speaker').blur();
		decide('correct', name, span);
	}

	const inCorrect = (f) => () => { if (!$('correct').hidden) f(); };

	const keys = {
		a: () => decide('accept'),
		x: () => decide('reject'),
		c: openCorrect,
		u: undo,
		j: () => move(1),
		k: () => move(-1),
		'/': () => { $('search').focus(); $('search').select(); },
		s: inCorrect(() => fixSpan('selection')),
		'[': inCorrect(() => fixSpan('start-1')),
		']': inCorrect(() => fixSpan('start+1')),
		'{': inCorrect(() => fixSpan('end-1')),
		'}': inCorrect(() => fixSpan('end+1')),
		Enter: inCorrect(saveCorrect),
	};

	document.addEventListener('keydown', (ev) => {
		const t = ev.target;
		const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
		if (ev.key === 'Escape') {
			if (typing)
				t.blur();
			closeCorrect();
			return;
		}
		if (typing || ev.ctrlKey || ev.metaKey || ev.altKey)
			return;
		const f = keys[ev.key];
		if (f && !(ev.key === 'Enter' && $('correct').hidden) &&
			!(t && t.tagName === 'BUTTON' && ev.key === 'Enter')) {
			ev.preventDefault();
			f();
		}
	});
	for (const b of document.querySelectorAll('#actions button'))
		b.addEventListener('click', () => keys[b.dataset.key]());
	$('correct').addEventListener('submit', (ev) => {
		ev.preventDefault();
		saveCorrect();
	});
	for (const b of document.querySelectorAll('#span-box button[data-fix]'))
		b.addEventListener('click', () => fixSpan(b.dataset.fix));
	// a button pressed with the mouse would take the selection away first
	for (const b of document.querySelectorAll('#span-box button[data-fix]'))
		b.addEventListener('mousedown', (ev) => ev.preventDefault());
	for (const sel of document.querySelectorAll('select[data-filter]'))
		sel.addEventListener('change', () => {
			filters[sel.dataset.filter] = sel.value;
			loadQueue();
		});
	let searchTimer = null;
	$('search').addEventListener('input', () => {
		clearTimeout(searchTimer);
		searchTimer = setTimeout(() => {
			filters.q = $('search').value.trim();
			loadQueue(current ? keyOf(current) : null);
		}, 250);
	});
	$('search').addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter')
			ev.target.blur();
	});
	const savedEditor = window.localStorage && localStorage.getItem('kz-editor');
	if (savedEditor)
		$('editor').value = savedEditor;
	$('editor').addEventListener('change', () => {
		if (window.localStorage)
			localStorage.setItem('kz-editor', $('editor').value);
	});
	loadQueue();
})();
