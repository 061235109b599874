; Relais installer for Windows (NSIS 3). Per-user install: no administrator
; rights, into %LOCALAPPDATA%\Programs\Relais, with a Start menu shortcut and
; an uninstaller (Settings > Apps). The user's data (%AppData%\Relais) is
; left alone on uninstall.
;
; Built from Linux by scripts/test (Debian's nsis package) or by hand:
;   makensis -DVERSION=0.1.0 -DEXE=build/bin/relais.exe \
;            -DOUTFILE=build/bin/relais-installer.exe build/windows/installer/relais.nsi
; Relais needs the WebView2 runtime: Windows 11 has it, Windows 10 gets it
; with Edge updates; the installer offers Microsoft's download page if not.

Unicode true
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef EXE
  !error "pass -DEXE=path/to/relais.exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "relais-installer.exe"
!endif

!define PRODUCT "Relais"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\studio.relais.app"
!define WEBVIEW2_KEY "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
RequestExecutionLevel user
SetCompressor /SOLID lzma
ManifestDPIAware true

VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "CompanyName" "${PRODUCT}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "${PRODUCT}"

!include "MUI2.nsh"
!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\relais.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"
!insertmacro MUI_LANGUAGE "English"

LangString NoWebView2 ${LANG_FRENCH} "Relais a besoin du runtime Microsoft Edge WebView2, absent de cet ordinateur. Ouvrir la page de téléchargement ?"
LangString NoWebView2 ${LANG_ENGLISH} "Relais needs the Microsoft Edge WebView2 runtime, which this computer lacks. Open the download page?"

Section "Relais"
  SetOutPath "$INSTDIR"
  File "/oname=relais.exe" "${EXE}"
  File "/oname=relais.ico" "..\icon.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\relais.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\relais.ico"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1

  ; WebView2: per-machine or per-user runtime registration.
  ReadRegStr $0 HKLM "${WEBVIEW2_KEY}" "pv"
  StrCmp $0 "" 0 done
  ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}" "pv"
  StrCmp $0 "" 0 done
  MessageBox MB_YESNO|MB_ICONINFORMATION "$(NoWebView2)" IDNO done
  ExecShell "open" "https://developer.microsoft.com/microsoft-edge/webview2/"
  done:
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$INSTDIR\relais.exe"
  Delete "$INSTDIR\relais.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd
