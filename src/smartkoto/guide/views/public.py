"""The guide for residents: ask (a plain GET form, the panel on every page posts here), rate an answer, read one FAQ entry."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartkoto.core.audit import client_ip
from smartkoto.core.i18n import tr

from .. import queries, services
from ..forms import AskForm


def _language(request):
    """ja, en, or ja-easy (やさしい日本語, chosen with easy=1 on the Japanese pages)."""
    language = (get_language() or "ja").split("-")[0]
    if language == "ja" and request.GET.get("easy") == "1":
        return "ja-easy"
    return language


def _shown(answer, language):
    document = answer.document
    return {"ref": document.ref, "kind": document.kind, "title": tr(document.title, language), "url": document.url(),
            "text": tr(document.body, language), "confidence": answer.confidence}


def ask(request):
    language = _language(request)
    form = AskForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "easy": language == "ja-easy", "language": language}
    if form.is_bound and form.is_valid():
        question = form.cleaned_data["q"]
        result = queries.answer(question)
        if not result.confident:
            services.log_unanswered(question, language=language, client=client_ip(request) or "unknown")
        context.update(question=question, confident=result.confident,
                       answers=[_shown(a, language) for a in result.answers[:3]])
    template = "guide/answers.html" if request.GET.get("fragment") == "1" else "guide/ask.html"
    return render(request, template, context)


@require_POST
def rate(request):
    question = (request.POST.get("q") or "")[:queries.MAX_QUESTION_LENGTH].replace("\x00", "")
    ref, vote = request.POST.get("ref") or "", request.POST.get("vote")
    if vote in ("up", "down") and ":" in ref:
        services.rate(ref[:120], vote == "up", question=question, language=_language(request),
                      client=client_ip(request) or "unknown")
        messages.success(request, _("Thank you. Staff read every 👎 and improve the answers."))
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return redirect(back or f"{request.path.rsplit('rate/', 1)[0]}?{urlencode({'q': question})}")


def entry(request, key):
    entry = queries.entry_by_key(key)
    if entry is None:
        raise Http404
    language = _language(request)
    return render(request, "guide/entry.html", {"entry": entry, "language": language, "easy": language == "ja-easy",
                                                "question": tr(entry.question, language), "answer": tr(entry.answer, language)})
