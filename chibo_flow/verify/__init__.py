"""The public verification page of final copies: anyone holding a printed or emailed copy checks
it against the one issued (/xac-thuc/<code>)."""
