"""Read: files -> decoded `Source` lines (text, HTML, Word, PDF), front matter, git history."""
