Attribute VB_Name = "CSPInfo"
Option Explicit
'Generated from csp_status.__version__ - changes will be lost with the next build!

Public Function CSPVersion() As String
    'The version of csp-status this workbook was built with.
    CSPVersion = "0.2.0"
End Function
