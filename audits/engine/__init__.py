"""The SEO audit engine: pure Python, no Django, so the crawler and the checks run anywhere."""
