Attribute VB_Name = "CSPRibbon"
Option Explicit
'Callbacks of the CSP ribbon tab (customUI/customUI14.xml). The work is done in Python
'(csp_status.excel) through the xlwings add-in's RunPython.

Public Sub RefreshStatuses(control As IRibbonControl)
    RunPython "import csp_status.excel; csp_status.excel.refresh_statuses()"
End Sub

Public Sub CheckData(control As IRibbonControl)
    RunPython "import csp_status.excel; csp_status.excel.check_data()"
End Sub

Public Sub AboutCSP(control As IRibbonControl)
    MsgBox "CSP Status " & CSPVersion() & vbCrLf & vbCrLf & _
        "Type this quarter's figures on the Data sheet, then press Refresh statuses " & _
        "to rebuild the Summary sheet. Cells such as =CSP_STATUS(...) work out " & _
        "statuses as you type.", vbInformation, "About CSP Status"
End Sub
