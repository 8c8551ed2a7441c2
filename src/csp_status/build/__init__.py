"""Making csp_workbook.xlsm from its text sources: sheets, VBA project, ribbon."""
