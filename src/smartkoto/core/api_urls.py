from django.http import JsonResponse
from django.urls import path

from . import openapi


def schema(request):
    return JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("schema", schema, name="openapi_schema"),
]
