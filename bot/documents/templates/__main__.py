from bot.documents.templates import make_default_template

print(make_default_template())
