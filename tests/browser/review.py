#!/usr/bin/env python3
"""review.py URL SHOTDIR PROFILE TOTAL - an editor at kz-review's page, in real
headless Chromium (tests/browser/review.sh runs it): the queue loads worst
first, `x` rejects the misquote and the progress moves, `c` corrects the
weak speaker of "Nous verrons bien" and, with words selected by the mouse
and `s` then nudged with [ ] { }, its span; hostile article text stays text.
Screenshots of the queue go to SHOTDIR; TOTAL is how many items
`kz-review --list` shows."""
import sys

from cdp import Browser

url, shots, profile, total = sys.argv[1:4] + [int(sys.argv[4])]


def need(cond, what):
    if not cond:
        print("browser-test: FAIL:", what, file=sys.stderr)
        sys.exit(1)


with Browser(profile) as b:
    page = b.new_page()
    page.goto(url)
    page.wait("document.body && document.body.dataset.ready === '1'", what="the queue to load")
    ev = page.eval
    progress = lambda: (int(ev("document.getElementById('reviewed').textContent")),
                        int(ev("document.getElementById('left').textContent")))
    reviewed, left = progress()
    need((reviewed, left) == (0, total), "progress 0 reviewed, %d left at the start, not %r" % (total, (reviewed, left)))
    # worst first: the misquote warning, its differing word marked
    need(ev("document.getElementById('rule').textContent") == "misquote", "the misquote first")
    need(ev("[...document.querySelectorAll('#diff-a mark.diff')].map(e => e.textContent).join(' ')") == "3",
         "the differing word 3 marked in the pull quote")
    need(ev("[...document.querySelectorAll('#diff-b mark.diff')].map(e => e.textContent).join(' ')") == "2",
         "the differing word 2 marked in the evidence")
    need(ev("document.querySelector('#article .hl-item').textContent").startswith("Nous retirerons 3 000"),
         "the flagged words lit in the article")
    need(ev("document.querySelectorAll('#article .hl-evidence').length") >= 1, "the evidence lit")
    page.screenshot(shots + "/review-queue.png")

    # x: a false alarm; the page moves on and the progress changes
    first = ev("document.body.dataset.item")
    page.key("x")
    page.wait("document.getElementById('reviewed').textContent === '1'", what="1 reviewed after x")
    need(progress() == (1, total - 1), "progress 1 reviewed, %d left after x, not %r" % (total - 1, progress()))
    page.wait("document.body.dataset.item !== %r" % first, what="the next item after x")
    # u: back to the item just decided, undone; x again
    page.key("u")
    page.wait("document.getElementById('reviewed').textContent === '0'", what="0 reviewed after u")
    need(ev("document.body.dataset.item") == first and
         ev("document.getElementById('state').textContent") == "open", "u undoes the reject, on its item")
    page.key("x")
    page.wait("document.getElementById('reviewed').textContent === '1'", what="1 reviewed after x again")
    page.wait("document.body.dataset.item !== %r" % first, what="the next item after x")
    # k goes back, j forward again
    second = ev("document.body.dataset.item")
    page.key("k")
    page.wait("document.body.dataset.item === %r" % first, what="k back to the first item")
    need(ev("document.getElementById('state').textContent") == "reject", "the first item shown as rejected")
    page.key("j")
    page.wait("document.body.dataset.item === %r" % second, what="j to the second item")

    # to the weak attribution of "Nous verrons bien" with j, then c
    for _ in range(4):
        if "Nous verrons bien" in ev("document.querySelector('#article .hl-item') ? document.querySelector('#article .hl-item').textContent : ''"):
            break
        cur = ev("document.body.dataset.item")
        page.key("j")
        page.wait("document.body.dataset.item !== %r" % cur, what="j to move on")
    need(ev("document.querySelector('#article .hl-item').textContent") == "Nous verrons bien",
         "j reaches the quote attributed by a pronoun")
    need(ev("document.querySelector('#article .hl-speaker').textContent") == "t-elle", "the pronoun lit as speaker")
    page.key("c")
    page.wait("!document.getElementById('correct').hidden && document.activeElement.id === 'speaker'",
              what="c to open the speaker field")
    need("Sergueï Lavrov" in ev("[...document.querySelectorAll('#people option')].map(o => o.value)"),
         "the article's people offered")
    page.eval("document.getElementById('speaker').value = ''")
    page.type("Sergueï Lavrov")
    # fix the quote's span too: its words as found are offered first
    _, _, qs, qe = ev("document.body.dataset.item").split("\u0000")
    qs, qe = int(qs), int(qe)
    need(ev("!document.getElementById('span-box').hidden"), "c on a quote offers to fix its words")
    need(ev("document.body.dataset.fix") == "%d-%d" % (qs, qe), "the span to fix starts as the quote's")
    need(ev("document.getElementById('span-text').textContent") == "Nous verrons bien", "the quote's words shown")
    # select "verrons bien" in the article with the mouse, press s
    box = ev("""(() => {
        const n = document.querySelector('#article .hl-item').firstChild;
        const i = n.data.indexOf('verrons'), j = i + 'verrons bien'.length;
        const at = (a, b) => { const r = document.createRange(); r.setStart(n, a); r.setEnd(n, b);
                               return r.getBoundingClientRect(); };
        const first = at(i, i + 1), last = at(j - 1, j);
        return [first.left + 1, (first.top + first.bottom) / 2, last.right - 1, (last.top + last.bottom) / 2];
    })()""")
    page.drag(*box)
    need(ev("window.getSelection().toString()") == "verrons bien",
         "the mouse selected 'verrons bien', not %r" % ev("window.getSelection().toString()"))
    need(ev("document.activeElement.id") != "speaker", "the selection took the focus from the speaker field")
    page.key("s")
    page.wait("document.body.dataset.fix === '%d-%d'" % (qs + 5, qe), what="s to make the selection the quote")
    need(ev("document.getElementById('span-text').textContent") == "verrons bien", "the fixed words shown")
    need(ev("[...document.querySelectorAll('#article .hl-fix')].map(e => e.textContent).join('')") == "verrons bien",
         "the fixed words lit in the article")
    # [ and ] move the start, { and } the end, one character at a time
    page.key("[", code="BracketLeft", vk=219)
    page.wait("document.body.dataset.fix === '%d-%d'" % (qs + 4, qe), what="[ to start one earlier")
    page.key("}", code="BracketRight", vk=221)
    page.wait("document.body.dataset.fix === '%d-%d'" % (qs + 4, qe + 1), what="} to end one later")
    shown = ev("document.getElementById('span-text').textContent")
    need(shown.startswith(" verrons bien") and len(shown) == 14, "[ and } widen the words shown, not %r" % shown)
    page.key("{", code="BracketLeft", vk=219)
    page.wait("document.body.dataset.fix === '%d-%d'" % (qs + 4, qe), what="{ to end one earlier")
    page.key("]", code="BracketRight", vk=221)
    page.wait("document.body.dataset.fix === '%d-%d'" % (qs + 5, qe), what="] to start one later")
    page.screenshot(shots + "/review-correct.png")
    page.key("Enter", code="Enter", vk=13, text="\r")
    page.wait("document.getElementById('reviewed').textContent === '2'", what="2 reviewed after c")
    need(progress() == (2, total - 2), "progress 2 reviewed, %d left after c" % (total - 2))
    print("browser-test: c saved speaker Sergueï Lavrov and quote %d-%d" % (qs + 5, qe))

    # hostile text: find it with / search, see it as text, nothing ran
    page.key("/", code="Slash", vk=191)
    page.wait("document.activeElement.id === 'search'", what="/ to focus the search")
    page.type("onerror")
    page.wait("document.getElementById('article').textContent.includes('<img src=x onerror')",
              what="the search to show the hostile article")
    need(ev("document.getElementById('article').textContent.includes('<script>window.__kz_pwned = 1</script>')"),
         "the script tag shown as text")
    need(ev("document.querySelectorAll('script').length") == 1, "no script element but app.js")
    need(ev("document.querySelectorAll('img, svg, iframe, object').length") == 0, "no element from the article")
    need(ev("window.__kz_pwned === undefined"), "no script from the article ran")
    need("\u241b" in ev("document.getElementById('where').textContent"), "the ESC in the id shown as a visible mark")
    page.screenshot(shots + "/review-hostile.png")
    problems = page.problems()
    need(not problems, "the page logged errors: %r" % problems)
print("browser-test: kz-review ok (queue worst first, x and c (speaker and span) saved, progress moved, hostile text inert)")
