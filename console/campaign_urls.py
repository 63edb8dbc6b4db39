# Campaign life cycle pages (organisations, campaigns, respondent lists, reminders, response rates).
urlpatterns = []
