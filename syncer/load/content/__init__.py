"""LOAD CONTENT: a campaign block's `{file: PATH}` values -> the final strings the vendor gets.

Takes the `campaign:` block of one (file, target) and the settings; returns the block with every
`{file:}` replaced by the text of its file under `templates_dir` (`.j2` rendered with Jinja2,
`.mjml` compiled to HTML), the template files it read (for the definition cache), and located
problems. Then it looks at the final emails: the vendor's personalization syntax and the email
checks of `[checks]`, as errors or warnings at the line a person wrote.

    step.Content      one load's entry point: resolve, check, fresh (for the cache)
    resolve           {file:} -> text;   files: safe reads of templates_dir
    render            .j2 (sandboxed Jinja2, [[ ]] [% %] [# #]) and .mjml (MRML)
    personalization   the vendor's syntax, parsed;   html: the email checks
    place             a finding in a final string -> the file and line a person wrote
"""
