from django.shortcuts import render


def not_found(request, exception=None):
    # Respondent links get their own wording: the usual cause is a mistyped or old link.
    template = "respondent/invalid_link.html" if request.path.startswith("/r/") else "404.html"
    return render(request, template, status=404)
