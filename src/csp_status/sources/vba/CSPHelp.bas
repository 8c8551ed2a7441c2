Attribute VB_Name = "CSPHelp"
Option Explicit
'Generated from the docstrings of csp_udfs - changes will be lost with the next build!
'The help Excel's Insert Function dialog shows for each CSP function, registered when the
'CSP tab loads. Built-in functions are called as VBA.Replace and VBA.IsArray so that they
'are found even when another reference (the xlwings add-in) is missing.

Public Sub CSPRibbonLoaded(ribbon As IRibbonUI)
    'The CSP tab's onLoad: the tab has loaded with the workbook. Kept in this module, which uses
    'nothing from xlwings, so that it runs even where the xlwings add-in is missing.
    RegisterFunctionHelp
End Sub

Public Sub RegisterFunctionHelp()
    'It changes nothing an officer typed, so the workbook's saved state is kept (no
    '"save changes?" for it); where Excel refuses, the help is left out.
    Dim wasSaved As Boolean, fn As Variant, book As String, help As Variant
    On Error Resume Next
    wasSaved = ThisWorkbook.Saved
    book = "'" & VBA.Replace(ThisWorkbook.Name, "'", "''") & "'!"
    For Each fn In FunctionNames()
        help = ArgumentHelp(fn)
        If VBA.IsArray(help) Then
            Application.MacroOptions Macro:=book & fn, Description:=FunctionHelp(fn), _
                Category:=FunctionCategory(fn), ArgumentDescriptions:=help
        Else
            Application.MacroOptions Macro:=book & fn, Description:=FunctionHelp(fn), _
                Category:=FunctionCategory(fn)
        End If
    Next fn
    ThisWorkbook.Saved = wasSaved
End Sub

Public Function FunctionNames() As Variant
    FunctionNames = Array("CSP_COMMENTARY", "CSP_GAP", "CSP_PREVIOUS", "CSP_RATE", "CSP_STATUS", "CSP_TARGET", "CSP_TREND", "CSP_VALUE")
End Function

Public Function FunctionCategory(ByVal fn As String) As String
    Select Case fn
    Case "CSP_COMMENTARY": FunctionCategory = "CSP"
    Case "CSP_GAP": FunctionCategory = "CSP"
    Case "CSP_PREVIOUS": FunctionCategory = "CSP"
    Case "CSP_RATE": FunctionCategory = "CSP"
    Case "CSP_STATUS": FunctionCategory = "CSP"
    Case "CSP_TARGET": FunctionCategory = "CSP"
    Case "CSP_TREND": FunctionCategory = "CSP"
    Case "CSP_VALUE": FunctionCategory = "CSP"
    End Select
End Function

Public Function FunctionHelp(ByVal fn As String) As String
    Select Case fn
    Case "CSP_COMMENTARY"
        FunctionHelp = "A first draft of the commentary: the position, the change on the previous figure, the target and whether it is ahead or behind, the status and significance. A draft to edit; it never replaces officers' own commentary."
    Case "CSP_GAP"
        FunctionHelp = "How far the figure is from its target (actual - target), in the indicator's own units: 15.59% against 15.2% gives 0.39%. Blank when either has no figure."
    Case "CSP_PREVIOUS"
        FunctionHelp = "The figure the direction of travel compares with: the previous quarter when it holds anything, else last year's outturn; or, by trend basis, the same quarter last year."
    Case "CSP_RATE"
        FunctionHelp = "A rate: numerator / denominator, times per if given. CSP_RATE(62, 124) is 0.5 (50%); CSP_RATE(offences, population, 1000) is a rate per 1,000."
    Case "CSP_STATUS"
        FunctionHelp = "The RAG status: GREEN (target met), AMBER (missed by up to 5% of the target), RED, NO TARGET, AWAITED (no figure yet) or CHECK (the figure cannot be right, e.g. a negative rate or 62/124 typed the wrong way round)."
    Case "CSP_TARGET"
        FunctionHelp = "The target from a baseline and a planned reduction: baseline x (1 - reduction). CSP_TARGET(7.21%, 1.5%) is 7.10%."
    Case "CSP_TREND"
        FunctionHelp = "Direction of travel against the previous figure: IMPROVING, WORSENING or NO CHANGE, judged by the polarity. Blank when either figure is missing."
    Case "CSP_VALUE"
        FunctionHelp = "The number in an indicator cell as typed: 7.75% gives 0.0775, 13,102 gives 13102, 50% (62/124) gives 0.5. Blank when the cell holds no figure (n/a, TBA, Awaited)."
    End Select
End Function

Public Function ArgumentHelp(ByVal fn As String) As Variant
    'One description per argument, in order; Empty for a function without arguments.
    Dim help() As Variant
    Select Case fn
    Case "CSP_COMMENTARY"
        ReDim help(0 To 11)
        help(0) = "The figure for the period as typed, e.g. 15.59%, 13,102 or Awaited."
        help(1) = "The target as typed, e.g. 15.2% or 7.1% (1.5%); TBC, TBA or Baseline year mean no target."
        help(2) = "Lower is better or Higher is better (also lower/higher, low/high)."
        help(3) = "The previous period's figure as typed, e.g. 13485."
        help(4) = "Optional. How far a miss is still AMBER; default 5% (of the target)."
        help(5) = "Optional. relative (default: a share of the target) or points (in the indicator's units: 0.5% is half a percentage point)."
        help(6) = "Optional. percent, number or per 1000: how to read plain numbers (a cell shown as 15.59% holds 0.1559). Leave out to read it from the figures."
        help(7) = "Optional. The period reported, e.g. Q1 2011/12."
        help(8) = "Optional. The period of the previous figure, e.g. 2010/11."
        help(9) = "Optional. What is counted, e.g. crimes."
        help(10) = "Last year's outturn as typed, e.g. 13485 (optional, but a target typed only as a reduction, such as (1.5%), applies to it)."
        help(11) = "Optional. The population a rate per 1,000 is of, e.g. 248700: with it the draft says whether the gap to the target is statistically significant."
    Case "CSP_GAP"
        ReDim help(0 To 3)
        help(0) = "The figure for the period as typed, e.g. 15.59%, 13,102 or Awaited."
        help(1) = "The target as typed, e.g. 15.2% or 7.1% (1.5%); TBC, TBA or Baseline year mean no target."
        help(2) = "Optional. percent, number or per 1000: how to read plain numbers (a cell shown as 15.59% holds 0.1559). Leave out to read it from the figures."
        help(3) = "Last year's outturn as typed, e.g. 13485 (optional, but a target typed only as a reduction, such as (1.5%), applies to it)."
    Case "CSP_PREVIOUS"
        ReDim help(0 To 3)
        help(0) = "The previous quarter's figure as typed (blank in Q1 or when not yet in)."
        help(1) = "Last year's outturn as typed, e.g. 13485 (optional, but a target typed only as a reduction, such as (1.5%), applies to it)."
        help(2) = "Last year's figure for this quarter as typed."
        help(3) = "Optional. previous period (default: the previous quarter, else last year's outturn) or same quarter last year."
    Case "CSP_RATE"
        ReDim help(0 To 2)
        help(0) = "The count, e.g. 62 repeat incidents; or a range of counts."
        help(1) = "The total it is out of, e.g. 124 (above zero); or a range of totals."
        help(2) = "Optional. 1000 for a rate per 1,000; leave out for a proportion."
    Case "CSP_STATUS"
        ReDim help(0 To 6)
        help(0) = "The figure for the period as typed, e.g. 15.59%, 13,102 or Awaited."
        help(1) = "The target as typed, e.g. 15.2% or 7.1% (1.5%); TBC, TBA or Baseline year mean no target."
        help(2) = "Lower is better or Higher is better (also lower/higher, low/high)."
        help(3) = "Optional. How far a miss is still AMBER; default 5% (of the target)."
        help(4) = "Optional. relative (default: a share of the target) or points (in the indicator's units: 0.5% is half a percentage point)."
        help(5) = "Optional. percent, number or per 1000: how to read plain numbers (a cell shown as 15.59% holds 0.1559). Leave out to read it from the figures."
        help(6) = "Last year's outturn as typed, e.g. 13485 (optional, but a target typed only as a reduction, such as (1.5%), applies to it)."
    Case "CSP_TARGET"
        ReDim help(0 To 1)
        help(0) = "The baseline outturn, e.g. 7.21% or 13485."
        help(1) = "The planned reduction, e.g. 1.5% or 0.015; a negative reduction is an increase."
    Case "CSP_TREND"
        ReDim help(0 To 3)
        help(0) = "This period's figure as typed, e.g. 13,102."
        help(1) = "The previous period's figure as typed, e.g. 13485."
        help(2) = "Lower is better or Higher is better (also lower/higher, low/high)."
        help(3) = "Optional. percent, number or per 1000: how to read plain numbers (a cell shown as 15.59% holds 0.1559). Leave out to read it from the figures."
    Case "CSP_VALUE"
        ReDim help(0 To 1)
        help(0) = "A figure as typed, e.g. 7.75%, 13,102, 53.7 per 1,000 residents or 50% (62/124); or a range of them."
        help(1) = "Optional. percent, number or per 1000: how to read plain numbers (a cell shown as 15.59% holds 0.1559). Leave out to read it from the figures."
    Case Else
        ArgumentHelp = Empty
        Exit Function
    End Select
    ArgumentHelp = help
End Function
