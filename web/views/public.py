"""The public site on the bare base domain: where each union's own address is."""

from django.shortcuts import render

from shared.unions.selectors import union_list


def public_index_view(request):
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    scheme = "https" if request.is_secure() else "http"
    unions = [
        {"union": union, "url": f"{scheme}://{union.domains.all()[0].domain}{suffix}/"}
        for union in union_list()
        if union.domains.all() and union.archived_on is None  # an archived union's hosts are closed
    ]
    # A card for each province (listing its cities) and each city (listing its counties).
    cities = [row for row in unions if row["union"].oversees]
    for city in cities:
        city["children"] = [row for row in unions if row["union"].parent_id == city["union"].pk]
    return render(request, "web/public_index.html", {"cities": cities})
