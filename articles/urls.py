from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="index"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
