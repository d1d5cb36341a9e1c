"""Writers: what composes an edition's text (lead, ■ sections, 핵심 요약, keywords) from its picks."""
