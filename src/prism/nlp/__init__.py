"""Korean understanding: cleaning, one Kiwi analysis pass per article, compounds, keywords, topics."""
