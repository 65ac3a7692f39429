@echo off
rem bits - launcher for the bits4j command line; see bin/bits for the choice of JVM options.
setlocal
if "%BITS_JAR%"=="" set "BITS_JAR=%~dp0..\bits-examples\target\bits.jar"
set "JAVA=java"
if not "%JAVA_HOME%"=="" set "JAVA=%JAVA_HOME%\bin\java"
if defined BITS_JAVA_OPTS goto run
set "BITS_JAVA_OPTS="
for %%c in (get check jobs cancel complete resume suspend users) do if /i "%~1"=="%%c" set "BITS_JAVA_OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
:run
"%JAVA%" %BITS_JAVA_OPTS% -jar "%BITS_JAR%" %*
